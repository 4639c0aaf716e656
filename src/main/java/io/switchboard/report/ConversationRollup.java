package io.switchboard.report;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.Outbox;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps per-conversation facts for reports (FEATURES D1-D3) from the event log, as the
 * outbox consumer {@value #NAME}: when it queued, when and to whom it was first assigned, how
 * often it was assigned, reassigned or transferred, when and why it closed, its rating. Reports
 * read one row per conversation instead of folding the log.
 *
 * <p>The outbox hands a batch again when a replica dies before moving the cursor, so each event
 * id is recorded in {@code report_applied_events} in the statement that applies it: an event
 * already applied inserts no id and changes nothing. Counters therefore count each event once.
 */
@ApplicationScoped
public class ConversationRollup implements Outbox.Consumer {

    public static final String NAME = "report-rollup";

    /** The kinds that change a conversation's facts; the rest of the log passes by. */
    static final Set<String> KINDS = Set.of("queued", "assigned", "reassigned", "released", "transferred", "closed", "rated");

    // One statement per event: the id goes in first, and only a new id lets the facts change.
    // Counters add, first-times keep the earliest, the close and the rating keep the latest.
    private static final String APPLY = """
            with applied as (
              insert into report_applied_events (event_id) values ($1::bigint) on conflict do nothing returning event_id)
            insert into report_conversation_facts as f (conversation_id, tenant_id, queued_at, first_assigned_at,
                   first_agent_id, assignments, reassignments, transfers, closed_at, close_reason, rating)
            select $3::uuid, $2::uuid,
                   case when $4::text = 'queued' then $5::timestamptz end,
                   case when $4::text = 'assigned' then $5::timestamptz end,
                   case when $4::text = 'assigned' then $6::uuid end,
                   case when $4::text = 'assigned' then 1 else 0 end,
                   case when $4::text in ('reassigned', 'released') then 1 else 0 end,
                   case when $4::text = 'transferred' then 1 else 0 end,
                   case when $4::text = 'closed' then $5::timestamptz end,
                   case when $4::text = 'closed' then $7::text end,
                   case when $4::text = 'rated' then $8::int end
            from applied
            on conflict (conversation_id) do update set
              queued_at = coalesce(f.queued_at, excluded.queued_at),
              first_assigned_at = coalesce(f.first_assigned_at, excluded.first_assigned_at),
              first_agent_id = coalesce(f.first_agent_id, excluded.first_agent_id),
              assignments = f.assignments + excluded.assignments,
              reassignments = f.reassignments + excluded.reassignments,
              transfers = f.transfers + excluded.transfers,
              closed_at = coalesce(excluded.closed_at, f.closed_at),
              close_reason = coalesce(excluded.close_reason, f.close_reason),
              rating = coalesce(excluded.rating, f.rating)""";

    private final Pool pool;

    ConversationRollup(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<Void> deliver(List<Outbox.Stored> events) {
        List<Tuple> rows = new ArrayList<>();
        for (Outbox.Stored e : events) {
            if (e.conversationId() == null || !KINDS.contains(e.kind())) {
                continue;
            }
            String agent = "assigned".equals(e.kind()) ? e.data().getString("chosen") : null;
            String reason = "closed".equals(e.kind()) ? e.data().getString("reason") : null;
            Integer rating = "rated".equals(e.kind()) ? e.data().getInteger("score") : null;
            rows.add(Tuple.tuple(Arrays.asList(e.id(), UUID.fromString(e.tenantId()), UUID.fromString(e.conversationId()),
                    e.kind(), e.at().atOffset(ZoneOffset.UTC), agent == null ? null : UUID.fromString(agent), reason, rating)));
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // One transaction for the batch: all of it applies, or none and it is handed again.
        return pool.withTransaction(conn -> conn.preparedQuery(APPLY).executeBatch(rows)).replaceWithVoid();
    }
}
