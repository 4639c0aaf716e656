package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Committed;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.switchboard.protocol.ServerFrames;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Auto-reassign (B6): takes a conversation from an agent who stayed silent and sends it back to its queue. */
@ApplicationScoped
public class SilentAgents {

    private final ConversationStore store;
    private final Assignments assignments;
    private final FanOut fanOut;
    private final QueueDispatcher dispatcher;

    SilentAgents(ConversationStore store, Assignments assignments, FanOut fanOut, QueueDispatcher dispatcher) {
        this.store = store;
        this.assignments = assignments;
        this.fanOut = fanOut;
        this.dispatcher = dispatcher;
    }

    /**
     * Auto-reassign (B6), fired by a deadline that may be stale: takes the conversation from an
     * agent who has not replied for {@code silence} and sends it back to its queue, where the
     * dispatcher offers it to anyone but them. Decides and acts in one transaction under the
     * conversation's row lock ({@link Silence#reassignDueAt} on the row as it is), so a reply
     * that raced the timer wins, and the system line, the {@code reassigned} event and the
     * change commit together; everything is published after the commit.
     *
     * @return when to look again; empty when no reply is owed any more (taken away by this
     *         call, answered, or closed)
     */
    public Uni<Optional<java.time.Instant>> reassign(String tenantId, String conversationId, Duration silence, int minutes) {
        String text = "No reply from the agent for " + minutes + " minute" + (minutes == 1 ? "" : "s")
                + ": looking for another agent.";
        record Done(Silence.Verdict verdict, String[] taken, List<String> experts) {}
        return store.pool().withTransaction(conn -> TimerDeadlines.lockFacts(conn, tenantId, conversationId).flatMap(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Done(new Silence.Verdict(false, null), null, List.of()));
                    }
                    TimerDeadlines.Read read = found.get();
                    Silence.Verdict verdict = Silence.judge(Silence.reassignDueAt(read.facts(), silence), read.now());
                    if (!verdict.fire()) {
                        return Uni.createFrom().item(new Done(verdict, null, List.of()));
                    }
                    return conn.preparedQuery("""
                                    update conversations c set state = 'queued', assignee_id = null, assigned_at = null,
                                           reassign_excluded = prev.assignee_id, queued_at = coalesce(c.queued_at, c.created_at)
                                    from conversations prev
                                    where c.id = $1 and c.tenant_id = $2 and c.state = 'open' and prev.id = c.id
                                    returning c.visitor_id, c.group_id, prev.assignee_id as silent,
                                      array(select p.user_id::text from conversation_participants p where p.conversation_id = c.id) as experts""")
                            .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId)))
                            .flatMap(rows -> {
                                // Locked and judged open just now: the update cannot miss.
                                Row r = ConversationStore.first(rows).orElseThrow(
                                        () -> new IllegalStateException("auto-reassign found conversation " + conversationId + " changed"));
                                String silent = r.getUUID("silent").toString();
                                String[] out = {r.getUUID("visitor_id").toString(), ConversationRow.str(r.getUUID("group_id")), silent, null, null};
                                String[] experts = r.getArrayOfStrings("experts");
                                List<String> inConversation = experts == null ? List.of() : List.of(experts);
                                return store.appendSystem(conn, tenantId, conversationId, text, "reassigned")
                                        .flatMap(seq -> {
                                            out[3] = Long.toString(seq);
                                            return store.log().append(conn, new DomainEvent.Reassigned(tenantId, conversationId, silent, minutes));
                                        })
                                        .invoke(id -> out[4] = Long.toString(id))
                                        .replaceWith(new Done(verdict, out, inConversation));
                            });
                }))
                .flatMap(done -> {
                    if (!done.verdict().fire()) {
                        return Uni.createFrom().item(Optional.ofNullable(done.verdict().dueAt()));
                    }
                    String visitorId = done.taken()[0];
                    String groupId = done.taken()[1];
                    String silent = done.taken()[2];
                    ServerFrames.MessageView line = ServerFrames.MessageView.system(conversationId, Long.parseLong(done.taken()[3]),
                            text, false, java.time.Instant.now(), "reassigned");
                    // Capacity back first, so the fan-out gives the agent their figures after it.
                    return assignments.giveBack(tenantId, silent)
                            .flatMap(figures -> fanOut.publish(Committed.of(Long.parseLong(done.taken()[4]),
                                    new DomainEvent.Reassigned(tenantId, conversationId,
                                    silent, minutes), Facts.visitor(visitorId).withLine(line).withFigures(figures)
                                    .withExperts(done.experts()))))
                            .onFailure().recoverWithNull()
                            .invoke(() -> dispatcher.dispatch(tenantId, groupId).subscribe().with(x -> { }, e -> { }))
                            .replaceWith(Optional.<java.time.Instant>empty());
                });
    }
}
