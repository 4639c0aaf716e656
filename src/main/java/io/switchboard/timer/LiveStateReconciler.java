package io.switchboard.timer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.conversation.QueueDispatcher;
import io.switchboard.conversation.TimerDeadlines;
import io.switchboard.event.Publisher;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.routing.live.LoadDrift;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.routing.live.SettingDrift;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps the live agent state and the timer deadlines in Redis equal to PostgreSQL's truth (DESIGN: everything in Redis
 * can be rebuilt; rule 1: a reconciler corrects drift). Every interval (5 s) and at start-up,
 * for each tenant:
 * <ul>
 * <li><b>Rebuild</b> when the tenant's marker key is missing (first start, Redis restarted or
 * flushed): every agent's hash that is missing is created from PostgreSQL's status, limit and
 * count of open conversations, the timer deadlines of its open conversations are derived
 * again from their rows ({@link TimerDeadlines#rebuild}), the marker is set, and the tenant's
 * queues are dispatched.
 * Hashes that exist are left alone: they hold reservations PostgreSQL has not committed yet.
 * Seeding creates a hash only if none exists, so two replicas rebuilding at once agree.</li>
 * <li><b>Drift</b> otherwise: each agent's live load is compared with PostgreSQL's count of
 * their open conversations. A hash rebuilt while a claim was in flight, a reservation given
 * back to a hash seeded after it was made, or a replica dying between its two steps leave a
 * load that is off for good. {@link LoadDrift} decides what to correct (Redis off in the same
 * direction at two consecutive checks, never a single reading, since a claim in flight differs
 * legitimately) and the correction is an increment by the settled difference, applied once per
 * correction generation of the hash. Lowering a load dispatches the
 * agent's groups, as any freed capacity does. Status and limit are compared the same way
 * ({@link SettingDrift}): a change whose Redis write was lost, or two changes copied in the
 * other order than they committed, leave an agent routed by a status or limit PostgreSQL no
 * longer has. A correction tells the agent's consoles, and one that lets the agent take more
 * (back online, a higher limit) dispatches their groups.</li>
 * </ul>
 * Any replica may run it: corrections are compare-and-set, so two replicas correcting the same
 * agent agree.
 */
@ApplicationScoped
public class LiveStateReconciler {

    private static final Logger LOG = Logger.getLogger(LiveStateReconciler.class);

    /**
     * Every agent with their status, limit and count of open conversations: the truth of each
     * live hash's fields. The index on open conversations by assignee serves the count.
     */
    private static final String AGENT_FIGURES = """
            select a.tenant_id, a.user_id, a.status, a.max_concurrent,
                   (select count(*) from conversations c where c.assignee_id = a.user_id and c.state = 'open') as open
            from agents a where a.removed_at is null""";

    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final LiveAgents live;
    private final LiveAgentState liveState;
    private final QueueDispatcher dispatcher;
    private final Counter corrections;
    private final Counter settingCorrections;
    private final Publisher publisher;
    private final ServerFrames frames;
    private final TimerDeadlines timers;
    /** Per tenant, the differences seen at the previous check. */
    private final Map<String, TenantDrift> drift = new ConcurrentHashMap<>();

    /** How long a difference must persist (seen at two checks at least this far apart) to be corrected. */
    static final long DRIFT_APART_MILLIS = 2_000;

    /** Tenants reconciled at once; keeps most of the connection pool free for traffic. */
    private static final int RECONCILE_CONCURRENCY = 4;

    /** One agent as PostgreSQL has them: the truth of their live hash. */
    record AgentFigures(String agentId, String status, int max, long open) {

        static AgentFigures of(Row a) {
            return new AgentFigures(a.getUUID("user_id").toString(), a.getString("status"), a.getInteger("max_concurrent"),
                    a.getLong("open"));
        }

        /** Whether the live hash agrees with every figure; a missing hash agrees (seeding is not drift). */
        boolean agreesWith(LiveAgents.LiveState s) {
            return !s.present() || (s.load() == open && s.status().wire().equals(status) && s.maxConcurrent() == max);
        }
    }

    LiveStateReconciler(Pool pool, ReactiveRedisDataSource redis, LiveAgents live, LiveAgentState liveState,
                        QueueDispatcher dispatcher, Publisher publisher, ServerFrames frames, TimerDeadlines timers,
                        MeterRegistry registry) {
        this.pool = pool;
        this.redis = redis;
        this.live = live;
        this.liveState = liveState;
        this.dispatcher = dispatcher;
        this.publisher = publisher;
        this.frames = frames;
        this.timers = timers;
        this.corrections = Counter.builder("switchboard.live.load.corrections")
                .description("Live agent loads in Redis corrected to PostgreSQL's count of open conversations")
                .register(registry);
        this.settingCorrections = Counter.builder("switchboard.live.setting.corrections")
                .description("Live agent statuses and limits in Redis set back to PostgreSQL's")
                .register(registry);
    }

    void onStart(@Observes StartupEvent ev) {
        reconcile().subscribe().with(x -> { }, e -> LOG.warnf(e, "start-up reconciliation failed; it runs again shortly"));
        // Redis may have kept its data but missed a deadline (a replica that stopped between a
        // commit and its Redis write): every start sets the missing ones again from PostgreSQL.
        rebuildTimers().subscribe().with(x -> { }, e -> LOG.warnf(e, "start-up rebuild of timer deadlines failed"));
    }

    /** Sets every missing timer deadline (B6) of every tenant with timers on, from PostgreSQL. */
    Uni<Void> rebuildTimers() {
        return pool.query("""
                        select tenant_id from tenant_settings
                        where auto_close_minutes is not null or auto_reassign_minutes is not null""")
                .execute()
                .flatMap(rows -> {
                    List<String> tenants = new ArrayList<>();
                    for (Row r : rows) {
                        tenants.add(r.getUUID("tenant_id").toString());
                    }
                    return Multi.createFrom().iterable(tenants)
                            .onItem().transformToUni(t -> timers.rebuild(t)
                                    .onFailure().invoke(e -> LOG.warnf(e, "timer deadlines of tenant %s not rebuilt", t))
                                    .onFailure().recoverWithNull())
                            .merge(RECONCILE_CONCURRENCY)
                            .collect().last()
                            .replaceWithVoid();
                });
    }

    /**
     * The scheduler fires every job of the same interval in the same tick, so without a pause
     * every check would read the agents just while this replica's queue sweep reserves them:
     * the same moment each time, not a random one (see {@link LoadDrift}). A random pause of up
     * to {@link #JITTER_MILLIS} makes each check an independent look, on every replica.
     */
    @Scheduled(every = "${switchboard.reconcile.interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return Uni.createFrom().voidItem()
                .onItem().delayIt().by(Duration.ofMillis(ThreadLocalRandom.current().nextLong(JITTER_MILLIS)))
                .flatMap(v -> reconcile());
    }

    /** Longest random pause before a scheduled check; well under the interval and the two-look span. */
    static final long JITTER_MILLIS = 1_500;

    Uni<Void> reconcile() {
        return pool.query("select id from tenants").execute()
                .flatMap(rows -> pool.query(AGENT_FIGURES).execute().map(agents -> {
                    // One query for every tenant's agents rather than one per tenant: with thousands of
                    // tenants the check stays one query per interval. Suspect figures are re-read per
                    // tenant, back to back with Redis, before anything is corrected (checkDrift).
                    Map<String, List<AgentFigures>> byTenant = new HashMap<>();
                    for (Row a : agents) {
                        byTenant.computeIfAbsent(a.getUUID("tenant_id").toString(), t -> new ArrayList<>())
                                .add(AgentFigures.of(a));
                    }
                    List<Map.Entry<String, List<AgentFigures>>> tenants = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        String t = r.getUUID("id").toString();
                        tenants.add(Map.entry(t, byTenant.getOrDefault(t, List.of())));
                    }
                    drift.keySet().retainAll(byTenant.keySet());
                    return tenants;
                }))
                // A few tenants at a time: with thousands of tenants, one Uni each at once
                // would queue every pooled connection behind the reconciler.
                .flatMap(tenants -> Multi.createFrom().iterable(tenants)
                        .onItem().transformToUni(t -> tenant(t.getKey(), t.getValue()).onFailure().recoverWithNull())
                        .merge(RECONCILE_CONCURRENCY)
                        .collect().last()
                        .replaceWithVoid())
                .onFailure().invoke(e -> LOG.debugf(e, "reconciliation failed"))
                .onFailure().recoverWithNull();
    }

    /** Reconciles one tenant now: rebuilds it when its marker is missing, else checks its loads for drift. */
    public Uni<Void> tenant(String tenantId) {
        return pool.preparedQuery(AGENT_FIGURES + " and a.tenant_id = $1").execute(Tuple.of(UUID.fromString(tenantId)))
                .flatMap(rows -> {
                    List<AgentFigures> agents = new ArrayList<>(rows.size());
                    for (Row a : rows) {
                        agents.add(AgentFigures.of(a));
                    }
                    return tenant(tenantId, agents);
                });
    }

    private Uni<Void> tenant(String tenantId, List<AgentFigures> agents) {
        return redis.key().exists(RedisKeys.liveMarker(tenantId)).flatMap(present -> {
            if (present) {
                return checkDrift(tenantId, agents);
            }
            drift.remove(tenantId);
            return rebuild(tenantId);
        });
    }

    /** Rebuilds one tenant's missing hashes from PostgreSQL, sets the marker and dispatches its queues. */
    private Uni<Void> rebuild(String tenantId) {
        return pool.preparedQuery("select user_id from agents where tenant_id = $1 and removed_at is null")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .flatMap(rows -> {
                    List<Uni<Void>> seeds = new ArrayList<>();
                    for (Row r : rows) {
                        seeds.add(liveState.seed(pool, tenantId, r.getUUID("user_id").toString()));
                    }
                    return seeds.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(seeds).andFailFast().replaceWithVoid();
                })
                // The timer deadlines went with the rest (B6): derived again from the rows before
                // the marker says the tenant is whole, so a failure here is retried next interval.
                .flatMap(v -> timers.rebuild(tenantId))
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
    }

    /**
     * Compares the tenant's live hashes with PostgreSQL's figures (read for all tenants at once,
     * possibly a moment ago). Agents that differ are read again, PostgreSQL then Redis back to
     * back, so only a write in flight at that very moment can still differ; those readings go
     * to {@link LoadDrift} and {@link SettingDrift}, which correct a disagreement seen at two
     * consecutive checks.
     */
    private Uni<Void> checkDrift(String tenantId, List<AgentFigures> agents) {
        if (agents.isEmpty()) {
            drift.remove(tenantId);
            return Uni.createFrom().voidItem();
        }
        List<String> ids = agents.stream().map(AgentFigures::agentId).toList();
        return live.snapshot(tenantId, ids).flatMap(states -> {
            List<String> suspects = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (!agents.get(i).agreesWith(states.get(i))) {
                    suspects.add(ids.get(i));
                }
            }
            TenantDrift tenantDrift = drift.computeIfAbsent(tenantId, t -> new TenantDrift());
            if (suspects.isEmpty()) {
                tenantDrift.loads.check(List.of(), System.currentTimeMillis());
                tenantDrift.settings.check(List.of(), System.currentTimeMillis());
                return Uni.createFrom().voidItem();
            }
            return reread(tenantId, suspects).flatMap(readings -> {
                long now = System.currentTimeMillis();
                List<LoadDrift.Reading> loads = new ArrayList<>(readings.size());
                List<SettingDrift.Reading> settings = new ArrayList<>(readings.size() * 2);
                for (Reading r : readings) {
                    AgentFigures truth = r.truth();
                    LiveAgents.LiveState s = r.live();
                    loads.add(new LoadDrift.Reading(truth.agentId(), s.present() ? s.load() : null, truth.open(), r.generation()));
                    settings.add(new SettingDrift.Reading(truth.agentId(), SettingDrift.Setting.STATUS,
                            s.present() ? s.status().wire() : null, truth.status()));
                    settings.add(new SettingDrift.Reading(truth.agentId(), SettingDrift.Setting.MAX,
                            s.present() ? Integer.toString(s.maxConcurrent()) : null, Integer.toString(truth.max())));
                }
                return Uni.combine().all()
                        .unis(correctLoads(tenantId, tenantDrift.loads.check(loads, now)),
                                correctSettings(tenantId, tenantDrift.settings.check(settings, now)))
                        .discardItems();
            });
        });
    }

    /** One suspect agent read again: PostgreSQL's figures, then Redis's hash right after. */
    private record Reading(AgentFigures truth, LiveAgents.LiveState live, String generation) {}

    private Uni<List<Reading>> reread(String tenantId, List<String> agentIds) {
        UUID[] ids = agentIds.stream().map(UUID::fromString).toArray(UUID[]::new);
        return pool.preparedQuery(AGENT_FIGURES + " and a.tenant_id = $1 and a.user_id = any($2)")
                .execute(Tuple.of(UUID.fromString(tenantId), ids))
                .flatMap(rows -> {
                    List<AgentFigures> fresh = new ArrayList<>(rows.size());
                    for (Row a : rows) {
                        fresh.add(AgentFigures.of(a));
                    }
                    return live.figures(tenantId, fresh.stream().map(AgentFigures::agentId).toList()).map(states -> {
                        List<Reading> readings = new ArrayList<>(fresh.size());
                        for (int i = 0; i < fresh.size(); i++) {
                            readings.add(new Reading(fresh.get(i), states.get(i).state(), states.get(i).generation()));
                        }
                        return readings;
                    });
                });
    }

    private Uni<Void> correctLoads(String tenantId, List<LoadDrift.Correction> fixes) {
        if (fixes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> writes = new ArrayList<>(fixes.size());
        for (LoadDrift.Correction c : fixes) {
            writes.add(live.correctLoad(tenantId, c.agentId(), c.generation(), c.by()).flatMap(changed -> {
                if (!changed) {
                    return Uni.createFrom().voidItem();
                }
                corrections.increment();
                LOG.infof("live load of agent %s (tenant %s) corrected by %+d to PostgreSQL's count of open conversations",
                        c.agentId(), tenantId, c.by());
                return c.by() < 0 ? dispatcher.dispatchForAgent(tenantId, c.agentId()) : Uni.createFrom().voidItem();
            }));
        }
        return Uni.join().all(writes).andCollectFailures().replaceWithVoid();
    }

    /**
     * Sets statuses and limits back to PostgreSQL's. The agent's consoles are told, since what
     * they showed came from Redis; and an agent who can now take more (back online, a higher
     * limit) is offered the queue at once.
     */
    private Uni<Void> correctSettings(String tenantId, List<SettingDrift.Correction> fixes) {
        if (fixes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> writes = new ArrayList<>(fixes.size());
        for (SettingDrift.Correction c : fixes) {
            writes.add(live.correctSetting(tenantId, c.agentId(), c.setting(), c.from(), c.to()).flatMap(changed -> {
                if (!changed) {
                    return Uni.createFrom().voidItem();
                }
                settingCorrections.increment();
                LOG.infof("live %s of agent %s (tenant %s) corrected from %s to %s, PostgreSQL's value",
                        c.setting().field(), c.agentId(), tenantId, c.from(), c.to());
                return live.state(tenantId, c.agentId())
                        .call(s -> s.present()
                                ? publisher.toStaff(tenantId, c.agentId(), frames.status(s.status().wire(), s.load(), s.maxConcurrent()))
                                : Uni.createFrom().voidItem())
                        .flatMap(s -> frees(c) ? dispatcher.dispatchForAgent(tenantId, c.agentId()) : Uni.createFrom().voidItem());
            }));
        }
        return Uni.join().all(writes).andCollectFailures().replaceWithVoid();
    }

    /** Whether the correction may let the agent take a conversation they could not before. */
    static boolean frees(SettingDrift.Correction c) {
        return switch (c.setting()) {
            case STATUS -> AgentStatus.ONLINE.wire().equals(c.to());
            case MAX -> Integer.parseInt(c.to()) > Integer.parseInt(c.from());
        };
    }

    /** What one tenant's previous check saw disagree. */
    private static final class TenantDrift {
        final LoadDrift loads = new LoadDrift(DRIFT_APART_MILLIS);
        final SettingDrift settings = new SettingDrift(DRIFT_APART_MILLIS);
    }
}
