package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.DomainEvent;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/**
 * Records a batch of automatic assignments in PostgreSQL, the truth behind the Redis claims
 * (DESIGN rule 1): a whole batch in one round trip, whatever its size.
 *
 * <p>Two statements are sent together on the transaction's connection. The first locks the
 * batch's agents in id order: two replicas recording batches that share agents wait for each
 * other instead of deadlocking, and an admin removing an agent (who locks it first) either
 * waits for the batch or leaves it nothing to record. The second starts after those locks are
 * held, so its snapshot sees every assignment other replicas committed to these agents, and
 * PostgreSQL's own count of each agent's open conversations is checked against their limit,
 * counting the batch's earlier picks of the same agent. This is the check that still holds
 * when Redis lost or drifted its counters. Heads are recorded up to the first pick the check
 * refuses, so the conversations served stay a prefix of the queue.
 */
final class AssignmentLedger {

    private AssignmentLedger() {}

    /**
     * One decided head: its {@link DomainEvent.Assigned} event (conversation, agent, why). The
     * batch writes the events itself, in the statement that records the assignments (see
     * {@link #RECORD}), so a batch stays one round trip: the rows are exactly what
     * {@link io.switchboard.event.EventLog#append} would write for them.
     */
    record Entry(DomainEvent.Assigned event) {
        String conversationId() {
            return event.conversationId();
        }

        String agentId() {
            return event.agentId();
        }
    }

    // NO KEY UPDATE, not UPDATE: it still makes ledgers of the same agent and an admin removing
    // the agent (FOR UPDATE) take turns, but it does not wait for the KEY SHARE lock a message
    // append's foreign-key check takes on the assignee's row. A group of appends holds that lock
    // while it waits for a queue head this batch holds: with FOR UPDATE the two deadlocked.
    private static final String LOCK_AGENTS = "select user_id from agents where user_id = any($1) order by user_id for no key update";

    // Prepared statements soon run with a generic plan, which guesses ten rows for the arrays
    // and would rather scan the tenant's agents and queued conversations: the agents are read
    // once (materialized) and both lookups go by primary key (= any of the arrays); the
    // other conditions are written so that no index on them can be used.
    // assigned_at follows the serving order inside the batch (one microsecond apart) and comes
    // from the clock, not the transaction's start, so later batches of the same transaction
    // stamp later times.
    private static final String RECORD = """
            with pick as (
              select p.conversation_id, p.agent_id, p.why, p.ord
              from unnest($1::uuid[], $2::uuid[], $3::text[]) with ordinality as p(conversation_id, agent_id, why, ord)),
            agent as materialized (
              select a.user_id, a.max_concurrent,
                     (select count(*) from conversations c where c.assignee_id = a.user_id and c.state = 'open') as load
              from agents a where a.user_id = any($2::uuid[]) and (a.tenant_id = $4 and a.removed_at is null) is true),
            checked as (
              select p.ord, a.user_id is not null
                       and a.load + row_number() over (partition by p.agent_id order by p.ord) <= a.max_concurrent as ok
              from pick p left join agent a on a.user_id = p.agent_id),
            cut as (select coalesce(min(ord) filter (where not ok), 2147483647) as first_refused from checked),
            stamp as (select clock_timestamp() as at),
            assigned as (
              update conversations c set state = 'open', assignee_id = p.agent_id,
                     assigned_at = stamp.at + p.ord * interval '1 microsecond',
                     hold = null, offline_until = null, reassign_excluded = null
              from pick p, cut, stamp
              where c.id = any($1::uuid[]) and c.id = p.conversation_id and p.ord < cut.first_refused
                and (c.tenant_id = $4 and c.state = 'queued' and c.assignee_id is null) is true
              returning c.id, c.tenant_id, p.why, p.ord),
            logged as (
              -- DomainEvent.Assigned (how = auto): its kind, actor and data.
              insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, data)
              select tenant_id, id, 'assigned', 'system', why::jsonb from assigned order by ord
              returning id, conversation_id),
            delivered as (
              -- Recorded for delivery, as EventLog records every announced event (V16).
              insert into event_deliveries (event_id) select id from logged)
            select (select first_refused from cut) as first_refused, (select count(*) from assigned) as assigned,
                   (select count(*) from logged) as logged,
                   (select array_agg(conversation_id::text) from logged) as logged_conversations,
                   (select array_agg(id) from logged) as logged_ids""";

    /** How many entries, from the first, were recorded, and each recorded conversation's event id. */
    record Recorded(int count, java.util.Map<String, Long> eventIds) {}

    /**
     * Records the entries in order, inside the caller's transaction, which must hold the
     * conversations' row locks.
     *
     * @return how many entries, from the first, were recorded (fewer than all when PostgreSQL
     *         found the agent of the next one full or removed), with their events' ids
     */
    static Uni<Recorded> record(SqlConnection conn, String tenantId, List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(new Recorded(0, java.util.Map.of()));
        }
        UUID[] conversations = new UUID[entries.size()];
        UUID[] agents = new UUID[entries.size()];
        String[] why = new String[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            conversations[i] = UUID.fromString(e.conversationId());
            agents[i] = UUID.fromString(e.agentId());
            why[i] = e.event().data().encode();
        }
        UUID[] distinctAgents = java.util.Arrays.stream(agents).distinct().toArray(UUID[]::new);
        // Both at once: the connection pipelines them, and PostgreSQL runs them one after the other.
        Uni<Integer> locked = conn.preparedQuery(LOCK_AGENTS).execute(Tuple.of(distinctAgents)).map(rows -> rows.size());
        Uni<Row> recorded = conn.preparedQuery(RECORD)
                .execute(Tuple.of(conversations, agents, why, UUID.fromString(tenantId)))
                .map(rows -> rows.iterator().next());
        return Uni.combine().all().unis(locked, recorded).asTuple().map(t -> {
            Row r = t.getItem2();
            int expected = (int) Math.min(entries.size(), r.getLong("first_refused") - 1);
            if (r.getLong("assigned") != expected || r.getLong("logged") != expected) {
                // Every head is locked by the caller's transaction and still queued, so this
                // cannot happen short of a bug: fail and let the transaction roll back.
                throw new IllegalStateException("assignment batch recorded " + r.getLong("assigned") + " of " + expected);
            }
            java.util.Map<String, Long> ids = new java.util.HashMap<>();
            String[] loggedConversations = r.getArrayOfStrings("logged_conversations");
            Long[] eventIds = r.getArrayOfLongs("logged_ids");
            for (int i = 0; loggedConversations != null && i < loggedConversations.length; i++) {
                ids.put(loggedConversations[i], eventIds[i]);
            }
            return new Recorded(expected, ids);
        });
    }
}
