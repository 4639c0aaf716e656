package io.switchboard.event;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Appends domain events to the log in the caller's transaction: the event commits with the
 * change or not at all. Reactions run after commit, from what was recorded. An event somebody
 * hears of by socket ({@link FanOutTable#announces}) is recorded for delivery in the same
 * statement, so its frames survive the death of the replica before its fan-out; the caller
 * hands its id to the fan-out ({@link Committed#of(long, DomainEvent, Facts)}), which marks it.
 */
@ApplicationScoped
public class EventLog {

    private static final String INSERT = """
            insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, actor_id, data)
            values ($1, $2, $3, $4, $5, $6) returning id""";

    /** Also records the event for delivery (V16); a data-modifying CTE runs whether or not it is read. */
    private static final String INSERT_ANNOUNCED = """
            with e as (
              insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, actor_id, data)
              values ($1, $2, $3, $4, $5, $6) returning id
            ), d as (
              insert into event_deliveries (event_id) select id from e
            )
            select id from e""";

    /** Records the event on {@code conn} (inside the caller's transaction); answers its id. */
    public Uni<Long> append(SqlClient conn, DomainEvent e) {
        return conn.preparedQuery(sql(e)).execute(row(e)).map(rows -> rows.iterator().next().getLong("id"));
    }

    /** Records several events on {@code conn} in one round trip, in the given order. */
    public Uni<Void> appendAll(SqlClient conn, List<? extends DomainEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> plain = new ArrayList<>(events.size());
        for (DomainEvent e : events) {
            if (FanOutTable.announces(e.kind())) {
                // Announced events carry an id their caller must hand on: they go through append.
                throw new IllegalArgumentException("appendAll records only events nobody hears of: " + e.kind());
            }
            plain.add(row(e));
        }
        return conn.preparedQuery(INSERT).executeBatch(plain).replaceWithVoid();
    }

    private static String sql(DomainEvent e) {
        return FanOutTable.announces(e.kind()) ? INSERT_ANNOUNCED : INSERT;
    }

    private static Tuple row(DomainEvent e) {
        return Tuple.tuple(Arrays.asList(UUID.fromString(e.tenantId()),
                e.conversationId() == null ? null : UUID.fromString(e.conversationId()), e.kind(),
                e.actor().kind(), e.actor().id() == null ? null : UUID.fromString(e.actor().id()), e.data()));
    }
}
