package io.switchboard.event;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The durable outbox: hands the domain event log to consumers outside the replica's sockets
 * (report roll-ups, webhooks, channel adapters), each from its own cursor in PostgreSQL, at
 * least once (DESIGN "Domain events").
 *
 * <p>Order and completeness: a consumer reads in (tx, id) order and only events whose
 * transaction is below the oldest one still running ({@code pg_snapshot_xmin}), so no event
 * can commit behind its cursor later (see V11). At least once: the cursor moves only after
 * the consumer took the batch; a replica that dies in between leaves the batch to be handed
 * again, and the event id is the receiver's idempotency key. One replica at a time: each
 * round takes or renews the consumer's lease in the cursor's row; when the replica holding it
 * dies, the lease runs out and the next round of another replica takes over from the cursor.
 */
@ApplicationScoped
public class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class);
    /** Events handed to a consumer at once. */
    static final int BATCH = 200;
    /** Batches one round hands a consumer at most, so a backlog does not hold the scheduler. */
    static final int MAX_BATCHES_PER_ROUND = 20;

    /** One event as the log stored it. {@code id} is the idempotency key. */
    public record Stored(long id, String tx, String tenantId, String conversationId, String kind, String actorKind,
                         String actorId, JsonObject data, Instant at) {}

    /** A consumer of the log. Runs on one replica at a time; must tolerate a batch handed again. */
    public interface Consumer {

        /** Stable name: the cursor's key. */
        String name();

        /** Takes a batch, in log order; completes once it is safely applied (or sent). A failure hands it again later. */
        Uni<Void> deliver(List<Stored> events);
    }

    private final Pool pool;
    private final Instance<Consumer> consumers;
    private final Duration lease;
    private final boolean enabled;
    /** This replica's name in the leases: host and a per-start id, so a restarted replica is a new owner. */
    private final String owner;

    Outbox(Pool pool, Instance<Consumer> consumers,
           @ConfigProperty(name = "switchboard.outbox.lease", defaultValue = "15s") Duration lease,
           @ConfigProperty(name = "switchboard.outbox.enabled", defaultValue = "true") boolean enabled) {
        this.pool = pool;
        this.consumers = consumers;
        this.lease = lease;
        this.enabled = enabled;
        this.owner = host() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String owner() {
        return owner;
    }

    @Scheduled(every = "${switchboard.outbox.poll:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> round() {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> runs = new ArrayList<>();
        for (Consumer c : consumers) {
            runs.add(run(c, 0).replaceWithVoid()
                    .onFailure().invoke(e -> LOG.warnf(e, "outbox consumer %s failed; its batch is handed again", c.name()))
                    .onFailure().recoverWithNull());
        }
        return runs.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(runs).andCollectFailures().replaceWithVoid();
    }

    /** Hands the consumer batches while it holds the lease and events wait; answers how many it handed. */
    Uni<Integer> run(Consumer c, int batches) {
        if (batches >= MAX_BATCHES_PER_ROUND) {
            return Uni.createFrom().item(batches);
        }
        return lease(c.name()).flatMap(cursor -> {
            if (cursor == null) {
                return Uni.createFrom().item(batches);
            }
            return read(cursor).flatMap(events -> {
                if (events.isEmpty()) {
                    return Uni.createFrom().item(batches);
                }
                Stored last = events.get(events.size() - 1);
                return c.deliver(events)
                        .flatMap(v -> advance(c.name(), last))
                        .flatMap(moved -> moved && events.size() == BATCH ? run(c, batches + 1)
                                : Uni.createFrom().item(batches + 1));
            });
        });
    }

    /** The consumer's cursor if this replica holds (or just took) its lease; null when another replica does. */
    private Uni<long[]> lease(String consumer) {
        return pool.preparedQuery("insert into outbox_cursors (consumer) values ($1) on conflict do nothing")
                .execute(Tuple.of(consumer))
                .flatMap(v -> pool.preparedQuery("""
                                update outbox_cursors set lease_owner = $2, lease_until = now() + make_interval(secs => $3)
                                where consumer = $1 and (lease_owner = $2 or lease_until is null or lease_until < now())
                                returning tx::text::bigint as tx, id, lease_owner""")
                        .execute(Tuple.of(consumer, owner, lease.toMillis() / 1000.0)))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    return new long[] {r.getLong("tx"), r.getLong("id")};
                });
    }

    private Uni<List<Stored>> read(long[] cursor) {
        return pool.preparedQuery("""
                        select id, tx::text as tx, tenant_id, conversation_id, kind, actor_kind, actor_id, data, created_at
                        from conversation_events
                        where (tx, id) > ($1::text::xid8, $2) and tx < pg_snapshot_xmin(pg_current_snapshot())
                        order by tx, id limit $3""")
                .execute(Tuple.of(Long.toString(cursor[0]), cursor[1], BATCH))
                .map(Outbox::stored);
    }

    /** Moves the cursor past {@code last}, if this replica still holds the lease; false when it lost it. */
    private Uni<Boolean> advance(String consumer, Stored last) {
        return pool.preparedQuery("""
                        update outbox_cursors set tx = $2::text::xid8, id = $3, moved_at = now()
                        where consumer = $1 and lease_owner = $4""")
                .execute(Tuple.of(consumer, last.tx(), last.id(), owner))
                .map(r -> r.rowCount() == 1);
    }

    static List<Stored> stored(RowSet<Row> rows) {
        List<Stored> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Object data = r.getValue("data");
            out.add(new Stored(r.getLong("id"), r.getString("tx"), r.getUUID("tenant_id").toString(),
                    r.getUUID("conversation_id") == null ? null : r.getUUID("conversation_id").toString(),
                    r.getString("kind"), r.getString("actor_kind"),
                    r.getUUID("actor_id") == null ? null : r.getUUID("actor_id").toString(),
                    data instanceof JsonObject o ? o : new JsonObject(String.valueOf(data)),
                    r.getOffsetDateTime("created_at").toInstant()));
        }
        return out;
    }

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "replica";
        }
    }
}
