package io.switchboard.conversation;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.switchboard.event.Committed;
import io.switchboard.event.DeliveryConfig;
import io.switchboard.event.FanOut;
import io.switchboard.event.FanOutTable;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Announces the events a replica recorded but never announced: it died between the commit and
 * the fan-out, or Redis refused the publish (docs/operations.md, "Message delivery"). The
 * counterpart of {@link DeliverySweep} for state frames (assigned, closed, transferred,
 * status...). Every replica runs it; rows older than the grace period are locked with
 * {@code for update skip locked}, their frames rebuilt ({@link EventReplay}) and published, and
 * the rows deleted in that same transaction, so two replicas never both announce one. A sweeper
 * that dies mid-way rolls back and the next sweep anywhere announces them again (at least once:
 * a state frame says what is, so a repeated one changes nothing).
 *
 * <p>An event that a later announced event of the same conversation (or, for an agent's status,
 * of the same agent) has superseded is dropped, not announced: its frames would describe a state
 * that no longer holds (an {@code assigned} after the conversation was transferred on), and the
 * later event's frames already told its recipients what is.
 */
@ApplicationScoped
public class EventSweep {

    private static final Logger LOG = Logger.getLogger(EventSweep.class);

    /** $1 grace in milliseconds, $2 batch, $3 the announced kinds. A row whose event is gone is claimed and dropped. */
    static final String CLAIM = """
            select d.event_id, e.tenant_id, e.conversation_id, e.kind, e.actor_kind, e.actor_id, e.data,
              case
                when e.id is null then true
                when e.conversation_id is not null then exists (select 1 from conversation_events n
                  where n.conversation_id = e.conversation_id and n.id > e.id and n.kind = any($3))
                else exists (select 1 from conversation_events n
                  where n.tenant_id = e.tenant_id and n.id > e.id and n.conversation_id is null and n.kind = any($3)
                    and n.data->>'agent' = e.data->>'agent')
              end as superseded
            from event_deliveries d
            left join conversation_events e on e.id = d.event_id
            where d.stored_at < now() - $1::float8 * interval '1 millisecond'
            order by d.event_id
            limit $2::int
            for update of d skip locked
            """;

    static final String DELETE = "delete from event_deliveries where event_id = any($1)";

    private final Pool pool;
    private final FanOut fanOut;
    private final EventReplay replay;
    private final DeliveryConfig config;
    private final String[] announced = FanOutTable.ANNOUNCED.toArray(new String[0]);

    EventSweep(Pool pool, FanOut fanOut, EventReplay replay, DeliveryConfig config) {
        this.pool = pool;
        this.fanOut = fanOut;
        this.replay = replay;
        this.config = config;
    }

    @Scheduled(every = "${switchboard.delivery.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep()
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("announced %d recorded events no replica had announced", n);
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("event sweep failed, the next one retries: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** One sweep: how many events it announced. Fails (and claims nothing) when Redis refused the publish. */
    public Uni<Integer> sweep() {
        return pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
                .execute(Tuple.of((double) config.grace().toMillis(), config.batch(), announced))
                .flatMap(rows -> rows.size() == 0 ? Uni.createFrom().item(0) : announce(conn, rows)));
    }

    private Uni<Integer> announce(SqlConnection conn, RowSet<Row> rows) {
        List<Long> claimed = new ArrayList<>(rows.size());
        List<EventReplay.Logged> current = new ArrayList<>();
        for (Row r : rows) {
            claimed.add(r.getLong("event_id"));
            if (!r.getBoolean("superseded")) {
                Object data = r.getValue("data");
                current.add(new EventReplay.Logged(r.getLong("event_id"), r.getUUID("tenant_id").toString(),
                        ConversationRow.str(r.getUUID("conversation_id")), r.getString("kind"), r.getString("actor_kind"),
                        ConversationRow.str(r.getUUID("actor_id")), data instanceof JsonObject o ? o : null));
            }
        }
        return replayAll(current, 0, new ArrayList<>())
                .flatMap(events -> fanOut.republish(events).flatMap(ok -> {
                    if (!ok) {
                        // Rolls the claim back: the rows stay for the next sweep.
                        return Uni.createFrom().failure(new IllegalStateException("publish of swept events failed"));
                    }
                    return conn.preparedQuery(DELETE).execute(Tuple.of(claimed.toArray(new Long[0])))
                            .replaceWith(events.size());
                }));
    }

    /** One after the other, in id order: the frames of one conversation keep their order. */
    private Uni<List<Committed>> replayAll(List<EventReplay.Logged> logged, int from, List<Committed> out) {
        if (from >= logged.size()) {
            return Uni.createFrom().item(out);
        }
        return replay.replay(logged.get(from)).flatMap(c -> {
            c.ifPresent(out::add);
            return replayAll(logged, from + 1, out);
        });
    }
}
