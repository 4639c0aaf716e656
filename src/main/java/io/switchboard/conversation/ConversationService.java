package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.event.Committed;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.switchboard.event.Publisher;
import io.switchboard.operations.Faults;
import io.switchboard.protocol.ClientFrame;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.switchboard.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.UUID;
import java.util.List;

/**
 * What visitors and staff do to conversations. Each operation checks the caller's right
 * first, changes PostgreSQL, and only after the commit publishes frames to explicit
 * recipients (DESIGN rule 3). Methods return the frames owed to the caller's own socket.
 */
@ApplicationScoped
public class ConversationService {

    private static final Logger LOG = Logger.getLogger(ConversationService.class);

    /** Messages sent per page when a client resumes. */
    static final int RESUME_PAGE = 500;

    private final ConversationStore store;
    private final MessageStore messages;
    private final QueueDispatcher dispatcher;
    private final Publisher publisher;
    private final ServerFrames frames;
    private final Assignments assignments;
    private final RuleRouting ruleRouting;
    private final TimerDeadlines timers;
    private final ConversationAccess access;
    private final MessageFanout fanout;
    private final Faults faults;
    private final Surveys surveys;
    private final FanOut fanOut;

    ConversationService(ConversationStore store, MessageStore messages, QueueDispatcher dispatcher, Publisher publisher, ServerFrames frames,
                        Assignments assignments, RuleRouting ruleRouting, TimerDeadlines timers, ConversationAccess access,
                        MessageFanout fanout, Faults faults, Surveys surveys, FanOut fanOut) {
        this.surveys = surveys;
        this.fanOut = fanOut;
        this.access = access;
        this.fanout = fanout;
        this.faults = faults;
        this.timers = timers;
        this.ruleRouting = ruleRouting;
        this.store = store;
        this.messages = messages;
        this.dispatcher = dispatcher;
        this.publisher = publisher;
        this.frames = frames;
        this.assignments = assignments;
    }

    // ---------------------------------------------------------------- visitors

    public Uni<List<String>> visitorMessage(Caller visitor, String connectionId, ClientFrame.SendMessage m) {
        if (m.conversationId() == null) {
            return startForVisitor(visitor, connectionId, m);
        }
        // The common case in one round trip: the append itself checks the conversation is the visitor's and live.
        return messages.appendByVisitor(visitor.tenantId(), m.conversationId(), visitor.id(), m.clientId(), m.text(),
                        m.attachments())
                .flatMap(appended -> appended.isPresent()
                        ? visitorMessageStored(visitor, connectionId, m, m.conversationId(), appended.get(), false)
                        : visitorMessageRefused(visitor, connectionId, m));
    }

    /**
     * Nothing was stored: find out why. Absent or someone else's answers 404 as if it did not
     * exist; a closed conversation stays closed, and the visitor's message starts a new one.
     */
    private Uni<List<String>> visitorMessageRefused(Caller visitor, String connectionId, ClientFrame.SendMessage m) {
        return ownConversation(visitor, m.conversationId()).call(c -> requireSendable(visitor, c.isClosed() ? null : c.id(), m))
                .flatMap(c -> c.isClosed()
                ? startForVisitor(visitor, connectionId, m)
                // Live and theirs after all: one more try, as the read-then-append path always had.
                : appendForVisitor(visitor, connectionId, m, new ConversationStore.Started(c, false)));
    }

    /**
     * A message that starts a conversation: with it, in one statement, unless the visitor
     * already has a live conversation (another tab, or a resend of this very message whose ack
     * was lost), which then receives it (a resend is answered with its original seq).
     */
    private Uni<List<String>> startForVisitor(Caller visitor, String connectionId, ClientFrame.SendMessage m) {
        if (m.hasAttachments()) {
            // Rare enough to take the longer way: the conversation first, then the message with its uploads.
            return requireSendable(visitor, null, m)
                    .flatMap(ok -> store.startForVisitor(visitor.tenantId(), visitor.channelId(), visitor.id()))
                    .flatMap(started -> appendForVisitor(visitor, connectionId, m, started));
        }
        String conversationId = UUID.randomUUID().toString();
        return messages.startByVisitor(visitor.tenantId(), visitor.channelId(), visitor.id(), conversationId, m.clientId(), m.text())
                .flatMap(first -> first.isPresent()
                        ? visitorMessageStored(visitor, connectionId, m, conversationId, first.get(), true)
                        : store.startForVisitor(visitor.tenantId(), visitor.channelId(), visitor.id())
                                .flatMap(started -> appendForVisitor(visitor, connectionId, m, started)));
    }

    private Uni<List<String>> appendForVisitor(Caller visitor, String connectionId, ClientFrame.SendMessage m,
                                               ConversationStore.Started started) {
        String conversationId = started.conversation().id();
        return messages.appendByVisitor(visitor.tenantId(), conversationId, visitor.id(), m.clientId(), m.text(), m.attachments())
                .flatMap(appended -> {
                    if (appended.isEmpty()) {
                        return requireSendable(visitor, conversationId, m).map(ok -> {
                            throw Problem.conflict("conversation is closed");
                        });
                    }
                    return visitorMessageStored(visitor, connectionId, m, conversationId, appended.get(), started.created());
                });
    }

    /**
     * The ack, once the message is committed; the message also goes to the visitor's other
     * sockets and the assignee. A duplicate is acked from the stored row and published again:
     * the replica that stored it may have died before publishing (the re-send is how the
     * widget learns that), and a recipient that has its seq drops the copy.
     */
    private Uni<List<String>> visitorMessageStored(Caller visitor, String connectionId, ClientFrame.SendMessage m,
                                                   String conversationId, MessageStore.Appended a, boolean created) {
        if (a.duplicate()) {
            // A clientId names one message of the visitor, wherever it was stored: a first message
            // re-sent after its conversation closed gets its original ack, not a new conversation.
            String ack = frames.ack(m.clientId(), a.conversationId(), a.seq());
            MessageFanout.Stored stored = new MessageFanout.Stored(a.messageId(), visitor.tenantId(),
                    new ServerFrames.MessageView(a.conversationId(), a.seq(), "visitor", visitor.id(), a.visitorName(),
                            a.storedText(), false, a.sentAt(), null, a.attachments()), a.assigneeId(), visitor.id(),
                    a.participants(), List.of());
            return fanout.publish(stored, connectionId).replaceWith(List.of(ack));
        }
        faults.messageCommitted(m.text());
        String ack = frames.ack(m.clientId(), conversationId, a.seq());
        // The assignee as of the append (see MessageStore.Appended).
        String assignee = a.assigneeId();
        // Invited experts follow the conversation live (C7).
        MessageFanout.Stored stored = new MessageFanout.Stored(a.messageId(), visitor.tenantId(),
                new ServerFrames.MessageView(conversationId, a.seq(), "visitor", visitor.id(), a.visitorName(), m.text(),
                        false, a.sentAt(), null, a.attachments()), assignee, visitor.id(), a.participants(), List.of());
        timers.visitorWrote(visitor.tenantId(), conversationId, assignee != null).subscribe().with(x -> { }, e -> { });
        if (created) {
            // Routed through the queue, after the first message is safely stored; the ack does not wait for it.
            store.find(visitor.tenantId(), conversationId)
                    .flatMap(row -> row.map(ruleRouting::routeNew).orElseGet(() -> Uni.createFrom().voidItem()))
                    .subscribe().with(x -> { }, e -> LOG.warnf(e, "routing of conversation %s failed; it stays queued", conversationId));
        }
        return fanout.publish(stored, connectionId).replaceWith(List.of(ack));
    }

    /** Everything after the cursor, plus the conversation's current state so a reloaded widget can draw it. */
    public Uni<List<String>> visitorResume(Caller visitor, ClientFrame.Resume r) {
        // A survey still unanswered is asked again, so the card survives a reload (C8).
        if (r.cursors().isEmpty()) {
            return store.latestForVisitor(visitor.tenantId(), visitor.id()).flatMap(found -> found
                    .map(c -> replay(c, 0, false).flatMap(out -> surveys.askAgainIfPending(c, out)))
                    .orElseGet(() -> Uni.createFrom().item(List.of())));
        }
        ClientFrame.Cursor cursor = r.cursors().get(0);
        return ownConversation(visitor, cursor.conversationId())
                .flatMap(c -> replay(c, cursor.lastSeq(), false).flatMap(out -> surveys.askAgainIfPending(c, out)));
    }

    public Uni<List<String>> visitorClose(Caller visitor, ClientFrame.Close f) {
        return ownConversation(visitor, f.conversationId())
                .flatMap(c -> close(visitor.tenantId(), c, "visitor", DomainEvent.Actor.visitor(visitor.id())));
    }

    public Uni<List<String>> visitorTyping(Caller visitor, ClientFrame.Typing f) {
        return store.typingTarget(visitor.tenantId(), visitor.id(), f.conversationId()).flatMap(found -> {
            if (found.isEmpty()) {
                if (f.conversationId() != null) {
                    // Not theirs, or no such conversation: answered as ownConversation answers.
                    throw Problem.notFound("conversation");
                }
                return Uni.createFrom().item(List.<String>of());
            }
            ConversationStore.TypingTarget c = found.get();
            if (c.assigneeId() == null) {
                return Uni.createFrom().item(List.<String>of());
            }
            // The experts follow the conversation like its assignee, typing included (C7).
            String typing = frames.typing(c.conversationId());
            List<Publisher.Delivery> out = new ArrayList<>(1 + c.experts().size());
            for (String s : MessageRecipients.ofVisitorTyping(visitor.id(), c.assigneeId(), c.experts())) {
                out.add(publisher.staff(visitor.tenantId(), s, typing));
            }
            return publisher.together(out).replaceWith(List.<String>of());
        });
    }

    public Uni<List<String>> visitorRead(Caller visitor, ClientFrame.Read f) {
        return ownConversation(visitor, f.conversationId())
                .flatMap(c -> store.markRead(c.tenantId(), c.id(), true, f.seq()).replaceWith(c))
                .flatMap(c -> c.assigneeId() == null ? Uni.createFrom().item(List.<String>of())
                        : publisher.toStaff(c.tenantId(), c.assigneeId(), frames.read(c.id(), f.seq())).replaceWith(List.of()));
    }

    /** The visitor's answer to a survey, once per conversation (C8): see {@link Surveys#rate}. */
    public Uni<List<String>> visitorRate(Caller visitor, ClientFrame.Rate f) {
        return ownConversation(visitor, f.conversationId())
                .flatMap(c -> surveys.rate(c, f.score(), f.comment()))
                .map(ok -> List.of(frames.notice(f.conversationId(), "rating_saved", "thank you for your rating")));
    }

    // ---------------------------------------------------------------- staff

    public Uni<List<String>> staffMessage(Caller staff, String connectionId, ClientFrame.SendMessage m) {
        if (m.conversationId() == null) {
            return Uni.createFrom().failure(Problem.invalid("conversationId", "required"));
        }
        return appendForStaff(staff, connectionId, m, true);
    }

    /**
     * One round trip in the common case: the append itself checks the staff member may write
     * there (see {@link #staffConversation} for the rule). When nothing was stored, the same
     * check as a separate read tells 404 from 403 from a closed conversation (409).
     */
    private Uni<List<String>> appendForStaff(Caller staff, String connectionId, ClientFrame.SendMessage m, boolean mayRetry) {
        return messages.appendByStaff(staff.tenantId(), m.conversationId(), staff.id(), staff.seesWholeTenant(),
                        m.clientId(), m.text(), m.internal(), m.attachments())
                .flatMap(appended -> {
                    if (appended.isPresent()) {
                        return staffMessageStored(staff, connectionId, m, appended.get());
                    }
                    return staffWriter(staff, m.conversationId()).call(c -> requireSendable(staff, c.id(), m)).flatMap(c -> {
                        if (c.isClosed() || !mayRetry) {
                            throw Problem.conflict("conversation is closed");
                        }
                        // Assigned to this agent between the two statements: theirs now, so one more try.
                        return appendForStaff(staff, connectionId, m, false);
                    });
                });
    }

    /**
     * The ack, once the message is committed; the message goes to the sender's other sessions,
     * the assignee, the experts and (unless internal) the visitor. A duplicate is acked from the stored row
     * and published again as stored, as for a visitor's.
     */
    private Uni<List<String>> staffMessageStored(Caller staff, String connectionId, ClientFrame.SendMessage m,
                                                 MessageStore.Appended a) {
        String conversationId = m.conversationId();
        String ack = frames.ack(m.clientId(), conversationId, a.seq());
        if (a.duplicate()) {
            ServerFrames.MessageView view = new ServerFrames.MessageView(conversationId, a.seq(), "agent", staff.id(), staff.name(),
                    a.storedText(), a.internal(), a.sentAt(), null, a.attachments());
            return publishStaffMessage(staff.tenantId(), a, view, connectionId).replaceWith(List.of(ack));
        }
        faults.messageCommitted(m.text());
        if (!m.internal()) {
            timers.agentReplied(staff.tenantId(), conversationId).subscribe().with(x -> { }, e -> { });
        }
        ServerFrames.MessageView view = new ServerFrames.MessageView(conversationId, a.seq(), "agent", staff.id(), staff.name(),
                m.text(), m.internal(), a.sentAt(), null, a.attachments());
        return publishStaffMessage(staff.tenantId(), a, view, connectionId).replaceWith(List.of(ack));
    }

    /**
     * Experts get messages and internal notes alike; a note also reaches the tenant's
     * supervisors and admins, and never the visitor (C7, {@link MessageRecipients}).
     */
    private Uni<Void> publishStaffMessage(String tenantId, MessageStore.Appended a, ServerFrames.MessageView view,
                                          String connectionId) {
        Uni<List<String>> supervisors = view.internal()
                ? access.supervisors(tenantId).onFailure().recoverWithItem(List.of())
                : Uni.createFrom().item(List.of());
        return supervisors.flatMap(s -> fanout.publish(new MessageFanout.Stored(a.messageId(), tenantId, view,
                a.assigneeId(), a.visitorId(), a.participants(), s), connectionId));
    }

    public Uni<List<String>> staffClose(Caller staff, String conversationId) {
        return staffConversation(staff, conversationId, true).flatMap(c -> {
            String reason = staff.id().equals(c.assigneeId()) ? "agent" : "supervisor";
            // A staff member closing acts as "agent" in the log, whatever their role, as it always did.
            return close(staff.tenantId(), c, reason, new DomainEvent.Actor("agent", staff.id()))
                    // A close by staff asks the visitor for a rating when the tenant says so (C8).
                    .call(() -> surveys.afterStaffClose(staff.tenantId(), c, staff.id()));
        });
    }

    public Uni<List<String>> staffTyping(Caller staff, ClientFrame.Typing f) {
        return staffWriter(staff, f.conversationId())
                .flatMap(c -> publisher.toVisitor(c.tenantId(), c.visitorId(), frames.typing(c.id())))
                .replaceWith(List.of());
    }

    public Uni<List<String>> staffRead(Caller staff, ClientFrame.Read f) {
        return staffConversation(staff, f.conversationId(), false)
                .flatMap(c -> store.markRead(c.tenantId(), c.id(), false, f.seq()).replaceWith(c))
                .flatMap(c -> publisher.toVisitor(c.tenantId(), c.visitorId(), frames.read(c.id(), f.seq())))
                .replaceWith(List.of());
    }

    /**
     * Marks everything in the conversation read by staff, as a {@code read} frame up to its
     * last message would (C4's batch mark-read), and tells the visitor.
     */
    public Uni<Void> staffReadAll(Caller staff, String conversationId) {
        return staffConversation(staff, conversationId, false)
                .call(c -> store.markRead(c.tenantId(), c.id(), false, c.lastSeq()))
                .flatMap(c -> publisher.toVisitor(c.tenantId(), c.visitorId(), frames.read(c.id(), c.lastSeq())));
    }

    /** Closes a conversation by REST; 409 when it is already closed. */
    public Uni<ConversationRow> closeByStaff(Caller staff, String conversationId) {
        return staffClose(staff, conversationId)
                .flatMap(ignored -> store.find(staff.tenantId(), conversationId))
                .map(found -> found.orElseThrow(() -> Problem.notFound("conversation")));
    }

    /**
     * Auto-close (B6), fired by a deadline that may be stale: decides and acts in one
     * transaction. The conversation's row is locked first, so a visitor message either committed
     * before (and is seen here: the silence is re-read and the deadline moves) or waits for this
     * transaction and then finds the conversation closed (and starts a new one). The system line
     * and the close commit together: a close that fails leaves no line, and nothing is published
     * before the commit.
     *
     * @return when to look again; empty when no auto-close is pending any more (closed by this
     *         call, or nothing to wait for)
     */
    public Uni<Optional<Instant>> closeSilent(String tenantId, String conversationId, Duration silence, int minutes) {
        String text = "Closed after " + minutes + " minute" + (minutes == 1 ? "" : "s") + " without a message from the visitor.";
        record Done(Silence.Verdict verdict, ConversationStore.Closed closed, long seq, long eventId) {}
        return store.pool().withTransaction(conn -> TimerDeadlines.lockFacts(conn, tenantId, conversationId).flatMap(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Done(new Silence.Verdict(false, null), null, -1, 0));
                    }
                    TimerDeadlines.Read read = found.get();
                    Silence.Verdict verdict = Silence.judge(Silence.closeDueAt(read.facts(), silence), read.now());
                    if (!verdict.fire()) {
                        return Uni.createFrom().item(new Done(verdict, null, -1, 0));
                    }
                    long[] recorded = {0};
                    return store.appendSystem(conn, tenantId, conversationId, text, "auto_closed")
                            .call(seq -> store.log().append(conn, new DomainEvent.AutoClosed(tenantId, conversationId, minutes))
                                    .invoke(id -> recorded[0] = id))
                            .flatMap(seq -> store.close(conn, tenantId, conversationId, "timeout", DomainEvent.Actor.SYSTEM)
                                    .map(closed -> {
                                        // The row is locked and open: the close cannot miss. Should it, the
                                        // line must not stay without it, so the transaction is undone.
                                        if (closed.isEmpty()) {
                                            throw new IllegalStateException("auto-close found conversation " + conversationId + " closed");
                                        }
                                        return new Done(verdict, closed.get(), seq, recorded[0]);
                                    }));
                }))
                .flatMap(done -> {
                    if (!done.verdict().fire()) {
                        return Uni.createFrom().item(Optional.ofNullable(done.verdict().dueAt()));
                    }
                    // After commit: the line, then the close, to the visitor and the assignee.
                    ConversationStore.Closed closed = done.closed();
                    MessageView line = MessageView.system(conversationId, done.seq(), text, false, Instant.now(), "auto_closed");
                    Committed autoClosed = Committed.of(done.eventId(), new DomainEvent.AutoClosed(tenantId, conversationId, minutes),
                            Facts.visitor(closed.visitorId()).withAgent(closed.assigneeId(), null).withLine(line)
                                    .withExperts(closed.experts()));
                    return afterClose(tenantId, closed, List.of(autoClosed)).onFailure().recoverWithNull()
                            .replaceWith(Optional.<Instant>empty());
                });
    }

    // ---------------------------------------------------------------- shared

    private Uni<List<String>> close(String tenantId, ConversationRow c, String reason, DomainEvent.Actor actor) {
        return store.close(tenantId, c.id(), reason, actor).flatMap(result -> {
            if (result.isEmpty()) {
                throw Problem.conflict("conversation is already closed");
            }
            return afterClose(tenantId, result.get(), List.of()).replaceWith(List.<String>of());
        });
    }

    /**
     * After a close committed: the assignee's capacity is given back at once (C13), then the
     * fan-out tells the visitor, the assignee (with their new figures) and the experts, and the freed
     * capacity goes to the queue (the dispatcher reacts to {@link DomainEvent.CapacityFreed}).
     */
    private Uni<Void> afterClose(String tenantId, ConversationStore.Closed closed, List<Committed> before) {
        String agentId = closed.assigneeId();
        Uni<Facts.Figures> figures = agentId == null ? Uni.createFrom().nullItem() : assignments.giveBack(tenantId, agentId);
        return figures.flatMap(f -> {
            List<Committed> events = new ArrayList<>(before);
            events.add(Committed.of(closed.eventId(), closed.event(), Facts.visitor(closed.visitorId()).withAgent(agentId, null).withFigures(f)
                    .withExperts(closed.experts())));
            if (agentId != null) {
                events.add(Committed.of(new DomainEvent.CapacityFreed(tenantId, agentId)));
            }
            return fanOut.publish(events);
        }).invoke(() -> {
            if (closed.wasQueued()) {
                dispatcher.publishPositions(tenantId, closed.groupId());
            }
        });
    }

    /** Every stored message after {@code lastSeq}, page by page, then the conversation's state. */
    private Uni<List<String>> replay(ConversationRow c, long lastSeq, boolean staff) {
        return collect(c, lastSeq, staff, new ArrayList<>()).map(out -> {
            if (c.isClosed()) {
                out.add(frames.closed(c.id(), c.closeReason()));
            } else if (c.isOpen()) {
                out.add(0, frames.assigned(c.id(), c.assigneeId(), c.assigneeName()));
            }
            return out;
        }).flatMap(out -> c.isQueued() && !staff
                ? store.queue(c.tenantId(), c.groupId()).map(q -> {
                    for (int i = 0; i < q.size(); i++) {
                        if (q.get(i)[0].equals(c.id())) {
                            out.add(0, frames.queued(c.id(), i + 1));
                        }
                    }
                    return out;
                })
                : Uni.createFrom().item(out));
    }

    private Uni<List<String>> collect(ConversationRow c, long after, boolean staff, List<String> out) {
        return store.messagesAfter(c.tenantId(), c.id(), after, RESUME_PAGE, staff).flatMap(page -> {
            for (var m : page) {
                out.add(frames.message(m));
            }
            if (page.size() < RESUME_PAGE) {
                return Uni.createFrom().item(out);
            }
            return collect(c, page.get(page.size() - 1).seq(), staff, out);
        });
    }

    /**
     * Refuses a message whose attachments may not go with it (C1): each must be an upload of the
     * sender, of this conversation (a visitor's: of none yet; {@code conversationId} null asks
     * only that), and not sent before. Nothing is asked for a plain message.
     */
    private Uni<Void> requireSendable(Caller sender, String conversationId, ClientFrame.SendMessage m) {
        if (!m.hasAttachments()) {
            return Uni.createFrom().voidItem();
        }
        return messages.attachmentsSendable(sender.tenantId(), conversationId, sender.isStaff() ? "agent" : "visitor",
                sender.id(), m.attachments()).map(ok -> {
                    if (!ok) {
                        throw Problem.invalid("attachments", "each must be your own upload for this conversation, not yet sent");
                    }
                    return null;
                });
    }

    private Uni<ConversationRow> ownConversation(Caller visitor, String conversationId) {
        return store.find(visitor.tenantId(), conversationId).map(found -> {
            ConversationRow c = found.orElseThrow(() -> Problem.notFound("conversation"));
            if (!c.visitorId().equals(visitor.id())) {
                // Not theirs: answer as if it did not exist.
                throw Problem.notFound("conversation");
            }
            return c;
        });
    }

    /**
     * A conversation a staff member may write into: as {@link #staffConversation} for acting,
     * and an invited expert may write too (C7); they may not close or otherwise act on it.
     */
    private Uni<ConversationRow> staffWriter(Caller staff, String conversationId) {
        if (conversationId == null) {
            return Uni.createFrom().failure(Problem.invalid("conversationId", "required"));
        }
        return access.visible(staff, conversationId).flatMap(c -> {
            if (staff.seesWholeTenant() || staff.id().equals(c.assigneeId())) {
                return Uni.createFrom().item(c);
            }
            return access.isParticipant(staff, conversationId).map(expert -> {
                if (!expert) {
                    throw Problem.forbidden("conversation is assigned to someone else");
                }
                return c;
            });
        });
    }

    /**
     * A conversation a staff member may read or act on. Reading (resume, read) follows the
     * visibility policy ({@link Visibility}): what they may not see answers 404 like an
     * unknown id. Acting (close, typing, writing) is for supervisors and admins, and for the
     * agent it is assigned to; another agent who sees it gets 403.
     */
    private Uni<ConversationRow> staffConversation(Caller staff, String conversationId, boolean acting) {
        if (conversationId == null) {
            return Uni.createFrom().failure(Problem.invalid("conversationId", "required"));
        }
        return access.visible(staff, conversationId).map(c -> {
            if (acting && !staff.seesWholeTenant() && !staff.id().equals(c.assigneeId())) {
                throw Problem.forbidden("conversation is assigned to someone else");
            }
            return c;
        });
    }
}
