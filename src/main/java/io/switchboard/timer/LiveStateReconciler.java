package io.switchboard.timer;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.conversation.QueueDispatcher;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rebuilds the live agent state in Redis from PostgreSQL (DESIGN: everything in Redis can
 * be rebuilt). Each tenant has a marker key; when it is missing (first start, Redis restarted
 * or flushed) every agent's hash that is missing is created from PostgreSQL's status, limit
 * and count of open conversations, the marker is set, and the tenant's queues are dispatched.
 * Hashes that exist are left alone: they hold reservations PostgreSQL has not committed yet.
 * Any replica may run it; seeding creates a hash only if none exists, so two replicas
 * rebuilding at once agree.
 */
@ApplicationScoped
public class LiveStateReconciler {

    private static final Logger LOG = Logger.getLogger(LiveStateReconciler.class);

    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final LiveAgentState liveState;
    private final QueueDispatcher dispatcher;

    /** Tenants reconciled at once; keeps most of the connection pool free for traffic. */
    private static final int RECONCILE_CONCURRENCY = 4;

    LiveStateReconciler(Pool pool, ReactiveRedisDataSource redis, LiveAgentState liveState, QueueDispatcher dispatcher) {
        this.pool = pool;
        this.redis = redis;
        this.liveState = liveState;
        this.dispatcher = dispatcher;
    }

    void onStart(@Observes StartupEvent ev) {
        reconcile().subscribe().with(x -> { }, e -> LOG.warnf(e, "start-up reconciliation failed; it runs again shortly"));
    }

    @Scheduled(every = "${switchboard.reconcile.interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reconcile() {
        return pool.query("select id from tenants").execute()
                .flatMap(rows -> {
                    List<String> tenants = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        tenants.add(r.getUUID("id").toString());
                    }
                    // A few tenants at a time: with thousands of tenants, one Uni each at once
                    // would queue every pooled connection behind the reconciler.
                    return Multi.createFrom().iterable(tenants)
                            .onItem().transformToUni(t -> tenant(t).onFailure().recoverWithNull())
                            .merge(RECONCILE_CONCURRENCY)
                            .collect().last()
                            .replaceWithVoid();
                })
                .onFailure().invoke(e -> LOG.debugf(e, "reconciliation failed"))
                .onFailure().recoverWithNull();
    }

    /** Rebuilds one tenant when its marker is missing. */
    public Uni<Void> tenant(String tenantId) {
        return redis.key().exists(RedisKeys.liveMarker(tenantId)).flatMap(present -> {
            if (present) {
                return Uni.createFrom().voidItem();
            }
            return pool.preparedQuery("select user_id from agents where tenant_id = $1 and removed_at is null")
                    .execute(Tuple.of(UUID.fromString(tenantId)))
                    .flatMap(rows -> {
                        List<Uni<Void>> seeds = new ArrayList<>();
                        for (Row r : rows) {
                            seeds.add(liveState.seed(pool, tenantId, r.getUUID("user_id").toString()));
                        }
                        return seeds.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(seeds).andFailFast().replaceWithVoid();
                    })
                    .flatMap(v -> redis.value(String.class).set(RedisKeys.liveMarker(tenantId), "1"))
                    .invoke(() -> LOG.infof("live state of tenant %s rebuilt from PostgreSQL", tenantId))
                    .flatMap(v -> pool.preparedQuery("select distinct group_id from conversations where tenant_id = $1 and state = 'queued' and hold is null")
                            .execute(Tuple.of(UUID.fromString(tenantId))))
                    .invoke(groups -> {
                        for (Row g : groups) {
                            dispatcher.dispatch(tenantId, g.getUUID("group_id") == null ? null : g.getUUID("group_id").toString())
                                    .subscribe().with(x -> { }, e -> { });
                        }
                    })
                    .replaceWithVoid();
        });
    }
}
