package io.switchboard.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figures read from PostgreSQL's truth on a timer rather than counted on the hot path:
 * <ul>
 * <li>{@code switchboard.queue.length}: conversations waiting, all tenants together (one
 *     series, not one per tenant). Cluster-wide: every replica reports the same figure.</li>
 * <li>{@code switchboard.assignment.latency}: from queued to assigned, for each conversation
 *     assigned since the last refresh. Replicas share a watermark in Redis and advance it
 *     with compare-and-set, so each assignment is recorded by exactly one replica and a sum
 *     over replicas is right.</li>
 * </ul>
 */
@ApplicationScoped
public class QueueMetrics {

    private static final Logger LOG = Logger.getLogger(QueueMetrics.class);
    /** Epoch microseconds up to which assignments have been recorded (not tenant data: no tenant prefix). */
    static final String WATERMARK_KEY = io.switchboard.routing.live.RedisKeys.assignmentWatermark();
    private static final String ADVANCE = """
            local cur = redis.call('GET', KEYS[1])
            if cur == false then redis.call('SET', KEYS[1], ARGV[2]) return 0 end
            if cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end
            return 0""";
    /** Assignments commit within a second of their assigned_at (the transaction's start): read up to then. */
    private static final String WINDOW = """
            select (extract(epoch from now()) * 1000000)::bigint - 1000000 as upper""";
    private static final String ASSIGNED = """
            select (extract(epoch from (assigned_at - queued_at)) * 1000)::bigint as ms from conversations
            where assigned_at > timestamptz 'epoch' + $1::bigint * interval '1 microsecond'
              and assigned_at <= timestamptz 'epoch' + $2::bigint * interval '1 microsecond'
              and queued_at is not null
            limit 100000""";

    private final AtomicLong queued = new AtomicLong();
    private final Timer latency;
    private final Pool pool;
    private final ReactiveRedisDataSource redis;

    QueueMetrics(MeterRegistry registry, Pool pool, ReactiveRedisDataSource redis) {
        this.pool = pool;
        this.redis = redis;
        Gauge.builder("switchboard.queue.length", queued, AtomicLong::get)
                .description("Conversations waiting for an agent, all tenants").register(registry);
        this.latency = Timer.builder("switchboard.assignment.latency")
                .description("From queued to assigned, per conversation")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    @Scheduled(every = "${switchboard.metrics.refresh-interval:10s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return queueLength().flatMap(v -> assignments())
                .onFailure().invoke(e -> LOG.warnf("metrics refresh skipped: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> queueLength() {
        return pool.query("select count(*) from conversations where state = 'queued'").execute()
                .invoke(rows -> queued.set(rows.iterator().next().getLong(0)))
                .replaceWithVoid();
    }

    private Uni<Void> assignments() {
        return redis.execute(Command.GET, WATERMARK_KEY).flatMap(w -> pool.query(WINDOW).execute().flatMap(rows -> {
            long upper = rows.iterator().next().getLong("upper");
            if (w == null) {
                // First refresh of the cluster: start counting from now.
                return advance("", upper).replaceWithVoid();
            }
            String from = w.toString();
            long lower = Long.parseLong(from);
            if (upper <= lower) {
                return Uni.createFrom().voidItem();
            }
            return pool.preparedQuery(ASSIGNED).execute(Tuple.of(lower, upper)).flatMap(found -> {
                List<Long> millis = new ArrayList<>();
                for (Row r : found) {
                    millis.add(Math.max(0, r.getLong("ms")));
                }
                return advance(from, upper).invoke(won -> {
                    if (won) {
                        millis.forEach(ms -> latency.record(ms, TimeUnit.MILLISECONDS));
                    }
                }).replaceWithVoid();
            });
        }));
    }

    /** True if this replica moved the watermark from {@code from} and so owns the assignments in between. */
    private Uni<Boolean> advance(String from, long to) {
        return redis.execute(Command.EVAL, ADVANCE, "1", WATERMARK_KEY, from, Long.toString(to))
                .map(r -> r != null && r.toLong() == 1);
    }
}
