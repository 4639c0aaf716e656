package io.switchboard.event;

import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.switchboard.protocol.TeamworkFrames;
import io.switchboard.protocol.TeamworkFrames.Named;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one table of who hears of what (DESIGN rule 3, "Domain events"): each committed event
 * maps to frames for explicit recipients, the conversation's visitor, the agent concerned,
 * the tenant's supervisors, the experts invited into it (C7), and nobody else. Pure: the facts come in as values, the
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

    /**
     * The kinds somebody hears of by socket: recording one also records it for delivery
     * ({@code event_deliveries}), so its frames go out even when the replica that committed it
     * dies before its fan-out. Every kind {@link #deliveries} has a row for, and no other
     * (FanOutTableTest checks both ways).
     */
    public static final java.util.Set<String> ANNOUNCED = java.util.Set.of("assigned", "reassigned", "auto_closed",
            "closed", "expired", "out_of_hours", "unmatched", "agent_status_changed", "agent_limit_changed",
            "transferred", "participant_joined", "participant_left", "survey_sent", "rated");

    /** Whether somebody hears of {@code kind} by socket. */
    public static boolean announces(String kind) {
        return ANNOUNCED.contains(kind);
    }

    private final ServerFrames frames;
    private final TeamworkFrames teamwork;

    public FanOutTable(ServerFrames frames) {
        this.frames = frames;
        this.teamwork = new TeamworkFrames(frames.codec());
    }

    public List<Send> deliveries(DomainEvent event, Facts f) {
        List<Send> out = new ArrayList<>(4);
        String c = event.conversationId();
        if (event instanceof DomainEvent.Assigned a) {
            // Visitor and agent learn who serves it; the agent also gets what was said so far and their figures.
            // One that came by a transfer to a group carries the transfer to the agent (never to the visitor).
            String assigned = frames.assigned(c, a.agentId(), f.agentName());
            toVisitor(out, f, assigned);
            out.add(new Send(Recipient.staff(a.agentId()), f.transfer() == null ? assigned
                    : teamwork.assignedByTransfer(c, new Named(a.agentId(), f.agentName()), from(f.transfer()),
                    f.transfer().note())));
            for (MessageView m : f.history()) {
                out.add(new Send(Recipient.staff(a.agentId()), frames.message(m)));
            }
            status(out, a.agentId(), f);
        } else if (event instanceof DomainEvent.Reassigned r) {
            // The system line goes to the visitor, the agent it was taken from and the experts, who
            // follow the conversation into the queue; the notice and the lighter figures only to that agent.
            if (f.line() != null) {
                String line = frames.message(f.line());
                toVisitor(out, f, line);
                out.add(new Send(Recipient.staff(r.fromAgentId()), line));
                out.add(new Send(Recipient.staff(r.fromAgentId()), frames.notice(c, "reassigned", f.line().text())));
                toExperts(out, f, line, null, r.fromAgentId());
            }
            status(out, r.fromAgentId(), f);
        } else if (event instanceof DomainEvent.AutoClosed) {
            if (f.line() != null) {
                String line = frames.message(f.line());
                toVisitor(out, f, line);
                if (f.agentId() != null) {
                    out.add(new Send(Recipient.staff(f.agentId()), line));
                }
                toExperts(out, f, line, null, f.agentId());
            }
        } else if (event instanceof DomainEvent.Closed closed) {
            // The experts follow the conversation live like its assignee, so they learn it ended too.
            String frame = frames.closed(c, closed.reason());
            toVisitor(out, f, frame);
            if (f.agentId() != null) {
                out.add(new Send(Recipient.staff(f.agentId()), frame));
                status(out, f.agentId(), f);
            }
            toExperts(out, f, frame, null, f.agentId());
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
        } else if (event instanceof DomainEvent.Transferred t) {
            transferred(out, t, f);
        } else if (event instanceof DomainEvent.ParticipantJoined j) {
            // The expert's console opens the conversation and reads its history; nobody else is told.
            out.add(new Send(Recipient.staff(j.agentId()), teamwork.invited(c, new Named(j.actor().id(), f.actorName()))));
        } else if (event instanceof DomainEvent.ParticipantLeft l) {
            out.add(new Send(Recipient.staff(l.agentId()), teamwork.unassigned(c, "removed", null, null)));
        } else if (event instanceof DomainEvent.SurveySent) {
            toVisitor(out, f, teamwork.survey(c));
        } else if (event instanceof DomainEvent.Rated r) {
            // The staff of the conversation: its (last) assignee, whoever asked, its experts; each once.
            Set<String> staff = new LinkedHashSet<>();
            if (f.agentId() != null) {
                staff.add(f.agentId());
            }
            if (f.surveySentBy() != null) {
                staff.add(f.surveySentBy());
            }
            staff.addAll(f.experts());
            String rated = teamwork.rated(c, r.score(), r.comment());
            for (String s : staff) {
                out.add(new Send(Recipient.staff(s), rated));
            }
        }
        // Queued, Routed, Released, CapacityFreed: no frame (queue positions have their own
        // debounced publisher, and the dispatcher reacts to freed capacity).
        return out;
    }

    /**
     * A transfer (C6). The visible line goes to the visitor, the previous assignee and the
     * experts; the note line (internal) only to the previous assignee and the experts. To an
     * agent: the visitor learns who serves them now, the new assignee gets {@code assigned} with
     * the transfer, the history and their figures. To a group the conversation waits again: the
     * dispatcher's {@code assigned} follows. Either way the previous assignee gets
     * {@code unassigned} with where it went, and their lighter figures.
     */
    private void transferred(List<Send> out, DomainEvent.Transferred t, Facts f) {
        String c = t.conversationId();
        boolean toAgent = "agent".equals(t.to().kind());
        String line = f.line() == null ? null : frames.message(f.line());
        String note = f.note() == null ? null : frames.message(f.note());
        Named to = new Named(t.to().id(), t.to().name());
        if (toAgent) {
            toVisitor(out, f, frames.assigned(c, to.id(), to.name()));
        }
        if (line != null) {
            toVisitor(out, f, line);
        }
        if (toAgent) {
            Recipient agent = Recipient.staff(to.id());
            Named from = t.fromAgentId() == null ? null
                    : new Named(t.fromAgentId(), f.transfer() == null ? null : f.transfer().fromName());
            out.add(new Send(agent, teamwork.assignedByTransfer(c, to, from, t.note())));
            for (MessageView m : f.history()) {
                out.add(new Send(agent, frames.message(m)));
            }
            status(out, to.id(), f);
        }
        String fromId = t.fromAgentId();
        if (fromId != null) {
            Recipient from = Recipient.staff(fromId);
            if (line != null) {
                out.add(new Send(from, line));
            }
            if (note != null) {
                out.add(new Send(from, note));
            }
            out.add(new Send(from, teamwork.unassigned(c, "transferred", t.to().kind(), to)));
            if (f.fromFigures() != null) {
                Facts.Figures n = f.fromFigures();
                out.add(new Send(from, frames.status(n.status(), n.load(), n.maxConcurrent())));
            }
        }
        if (line != null) {
            toExperts(out, f, line, note, fromId, toAgent ? to.id() : null);
        }
    }

    private static Named from(Facts.Transfer t) {
        return t.fromId() == null ? null : new Named(t.fromId(), t.fromName());
    }

    /** The frame (and the note after it, when there is one) to each expert who is not one of {@code already}. */
    private static void toExperts(List<Send> out, Facts f, String frame, String note, String... already) {
        for (String e : f.experts()) {
            if (Arrays.asList(already).contains(e)) {
                continue;
            }
            out.add(new Send(Recipient.staff(e), frame));
            if (note != null) {
                out.add(new Send(Recipient.staff(e), note));
            }
        }
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
