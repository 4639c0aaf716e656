package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The head-locking SQL of the queue: which conversations a dispatch round serves next, locked
 * so that replicas take turns on them (B4). See {@link #lock} for why it is not SKIP LOCKED.
 */
@ApplicationScoped
class QueueHeads {

    /**
     * Heads locked and served per transaction. Larger batches save more round trips but hold
     * the heads (and a queued visitor's next message, which updates the row) for longer.
     */
    static final int BATCH = 32;

    private final ConversationStore store;

    QueueHeads(ConversationStore store) {
        this.store = store;
    }

    /**
     * A locked head, the agent auto-reassign took it from, if any, and whether it waits at the
     * head of the queue because it was transferred to the group (C6): whoever gets it is told.
     */
    record Locked(DispatchStrategies.Head head, String excluded, boolean transferred) {}

    /** A batch's locked heads and, per head, the agents it may no longer be offered and the tries spent on it. */
    static final class Heads {
        final List<Locked> locked;
        final List<Set<String>> excluded;
        final int[] attempts;

        Heads(List<Locked> locked) {
            this.locked = locked;
            this.excluded = new ArrayList<>(locked.size());
            for (Locked l : locked) {
                Set<String> e = new HashSet<>();
                // An agent who stayed silent on this conversation is not offered it again (B6).
                if (l.excluded() != null) {
                    e.add(l.excluded());
                }
                excluded.add(e);
            }
            this.attempts = new int[locked.size()];
        }
    }

    /**
     * Locks the next conversations to serve in the group (B4: channel priority, then the
     * channel's first-in or last-in order), up to {@link #BATCH}, and returns those still
     * waiting in serving order. Not SKIP LOCKED: heads held by another replica's round that
     * finds nobody free must not be skipped, or freed capacity would go to the visitors behind
     * them. Rows are locked in id order, so two replicas locking overlapping batches wait for
     * each other instead of deadlocking; a head served while this round waited drops out.
     * (The state test is written so that it cannot use the queue's index: a generic plan would
     * otherwise AND the whole queue's index with the primary key lookups.)
     */
    Uni<List<Locked>> lock(SqlConnection conn, String tenantId, String groupId) {
        return store.heads(conn, tenantId, groupId, BATCH).flatMap(waiting -> {
            if (waiting.isEmpty()) {
                return Uni.createFrom().item(List.<Locked>of());
            }
            List<ConversationStore.Waiting> ordered = ConversationStore.order(waiting);
            List<UUID> ids = new ArrayList<>(Math.min(BATCH, ordered.size()));
            for (int i = 0; i < ordered.size() && i < BATCH; i++) {
                ids.add(UUID.fromString(ordered.get(i).conversationId()));
            }
            return conn.preparedQuery("""
                            select id, reassign_excluded, routing_rule_id, visitor_id, channel_id, group_id,
                                   queue_front is not null as transferred from conversations
                            where id = any($1) and (state = 'queued' and hold is null) is true order by id for update""")
                    .execute(Tuple.of(ids.toArray(UUID[]::new)))
                    .map(rows -> {
                        Map<UUID, Locked> byId = new HashMap<>();
                        for (Row r : rows) {
                            String id = r.getUUID("id").toString();
                            byId.put(r.getUUID("id"), new Locked(
                                    new DispatchStrategies.Head(id, ConversationRow.str(r.getUUID("routing_rule_id")),
                                            r.getUUID("visitor_id").toString(), ConversationRow.str(r.getUUID("channel_id")),
                                            ConversationRow.str(r.getUUID("group_id"))),
                                    ConversationRow.str(r.getUUID("reassign_excluded")), r.getBoolean("transferred")));
                        }
                        List<Locked> out = new ArrayList<>(byId.size());
                        for (UUID id : ids) {
                            Locked l = byId.get(id);
                            if (l != null) {
                                out.add(l);
                            }
                        }
                        return out;
                    });
        });
    }
}
