package io.switchboard.event;

import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.ServerFrames.MessageView;

import java.util.ArrayList;
import java.util.List;

/**
 * The one table of who hears of what (DESIGN rule 3, "Domain events"): each committed event
 * maps to frames for explicit recipients, the conversation's visitor, the agent concerned,
 * the tenant's supervisors, and nobody else. Pure: the facts come in as values, the
 * deliveries go out as values; {@link FanOut} publishes them. A wrong line here is a leak
 * (a visitor must never get a staff-only frame), so the table is tested row by row.
 */
public final class FanOutTable {

    /** A visitor's sockets, or a staff user's sessions. */
    public record Recipient(boolean visitor, String id) {

        public static Recipient visitor(String id) {
            return new Recipient(true, id);
        }

        public static Recipient staff(String id) {
            return new Recipient(false, id);
        }
    }

    /** One encoded frame for one recipient. Each recipient gets its frames in list order. */
    public record Send(Recipient to, String frame) {}

    static final String UNMATCHED_TEXT = "A conversation matched no routing rule: assign it by hand";

    private final ServerFrames frames;

    public FanOutTable(ServerFrames frames) {
        this.frames = frames;
    }

    public List<Send> deliveries(DomainEvent event, Facts f) {
        List<Send> out = new ArrayList<>(4);
        String c = event.conversationId();
        if (event instanceof DomainEvent.Assigned a) {
            // Visitor and agent learn who serves it; the agent also gets what was said so far and their figures.
            String assigned = frames.assigned(c, a.agentId(), f.agentName());
            toVisitor(out, f, assigned);
            out.add(new Send(Recipient.staff(a.agentId()), assigned));
            for (MessageView m : f.history()) {
                out.add(new Send(Recipient.staff(a.agentId()), frames.message(m)));
            }
            status(out, a.agentId(), f);
        } else if (event instanceof DomainEvent.Reassigned r) {
            // The system line goes to both; the notice and the lighter figures only to the agent it was taken from.
            if (f.line() != null) {
                String line = frames.message(f.line());
                toVisitor(out, f, line);
                out.add(new Send(Recipient.staff(r.fromAgentId()), line));
                out.add(new Send(Recipient.staff(r.fromAgentId()), frames.notice(c, "reassigned", f.line().text())));
            }
            status(out, r.fromAgentId(), f);
        } else if (event instanceof DomainEvent.AutoClosed) {
            if (f.line() != null) {
                String line = frames.message(f.line());
                toVisitor(out, f, line);
                if (f.agentId() != null) {
                    out.add(new Send(Recipient.staff(f.agentId()), line));
                }
            }
        } else if (event instanceof DomainEvent.Closed closed) {
            String frame = frames.closed(c, closed.reason());
            toVisitor(out, f, frame);
            if (f.agentId() != null) {
                out.add(new Send(Recipient.staff(f.agentId()), frame));
                status(out, f.agentId(), f);
            }
        } else if (event instanceof DomainEvent.Expired) {
            toVisitor(out, f, frames.closed(c, "timeout"));
        } else if (event instanceof DomainEvent.OutOfHours o) {
            if (o.text() != null) {
                toVisitor(out, f, frames.notice(c, "out_of_hours", o.text()));
            }
        } else if (event instanceof DomainEvent.Unmatched) {
            String notice = frames.notice(c, "unmatched", UNMATCHED_TEXT);
            for (String s : f.supervisors()) {
                out.add(new Send(Recipient.staff(s), notice));
            }
        } else if (event instanceof DomainEvent.AgentStatusChanged s) {
            status(out, s.agentId(), f);
        } else if (event instanceof DomainEvent.AgentLimitChanged l) {
            status(out, l.agentId(), f);
        }
        // Queued, Routed, Released, CapacityFreed: no frame (queue positions have their own
        // debounced publisher, and the dispatcher reacts to freed capacity). The teamwork events
        // (Transferred, ParticipantJoined/Left, SurveySent, Rated) get their rows with their features.
        return out;
    }

    private static void toVisitor(List<Send> out, Facts f, String frame) {
        if (f.visitorId() != null) {
            out.add(new Send(Recipient.visitor(f.visitorId()), frame));
        }
    }

    private void status(List<Send> out, String agentId, Facts f) {
        if (f.figures() != null) {
            Facts.Figures n = f.figures();
            out.add(new Send(Recipient.staff(agentId), frames.status(n.status(), n.load(), n.maxConcurrent())));
        }
    }
}
