package io.switchboard.routing.live;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.Candidate;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Live status, limit and load of agents in Redis. The claim is one script, so two
 * replicas racing for the last unit of an agent's capacity cannot both win (DESIGN rule 1).
 * A missing hash means Redis lost its data or never saw the agent: callers then seed it
 * from PostgreSQL with {@link #seed} and retry.
 */
@ApplicationScoped
public class LiveAgents {

    /** Result of a claim: the agent's new load, or why there is none. */
    public enum ClaimOutcome { CLAIMED, REFUSED, MISSING }

    public record Claim(ClaimOutcome outcome, int load) {}

    /** The live figures of one agent; {@code present} is false when Redis has no hash. */
    public record LiveState(boolean present, AgentStatus status, int load, int maxConcurrent, long lastAssignedAt) {}

    // Returns -1 when the hash is missing, 0 when the agent is not online or is full,
    // else the load after the increment.
    private static final LuaScript CLAIM = new LuaScript("""
            local h = redis.call('HMGET', KEYS[1], 'status', 'max', 'load')
            if not h[1] then return -1 end
            if h[1] ~= 'online' then return 0 end
            local load = tonumber(h[3]) or 0
            if load >= tonumber(h[2]) then return 0 end
            redis.call('HSET', KEYS[1], 'load', load + 1, 'last', ARGV[1])
            return load + 1
            """);

    // A batch's claims in the order they were decided (keys may repeat). Stops at the first
    // agent that is missing, not online or full, keeping the claims before it, so the heads
    // served are always a prefix of the queue. Returns {stop, load after each claim...} with
    // stop 0 when all went through, -1 for a missing hash, -2 for a refusal.
    private static final LuaScript CLAIM_IN_ORDER = new LuaScript("""
            local out = {0}
            for i, k in ipairs(KEYS) do
              local h = redis.call('HMGET', k, 'status', 'max', 'load')
              if not h[1] then out[1] = -1 return out end
              local load = tonumber(h[3]) or 0
              if h[1] ~= 'online' or load >= tonumber(h[2]) then out[1] = -2 return out end
              redis.call('HSET', k, 'load', load + 1, 'last', ARGV[1])
              out[i + 1] = load + 1
            end
            return out
            """);

    // A manual assignment (pick-up, assignment by a supervisor) may exceed the limit but counts
    // as load (B2); never to an offline agent. -1 when the hash is missing, 0 when offline.
    private static final LuaScript FORCE_CLAIM = new LuaScript("""
            local s = redis.call('HGET', KEYS[1], 'status')
            if not s then return -1 end
            if s == 'offline' then return 0 end
            local l = redis.call('HINCRBY', KEYS[1], 'load', 1)
            redis.call('HSET', KEYS[1], 'last', ARGV[1])
            return l
            """);

    // Never lets the load go below zero; -1 when the hash is missing.
    private static final LuaScript RELEASE = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            local l = redis.call('HINCRBY', KEYS[1], 'load', -1)
            if l < 0 then redis.call('HSET', KEYS[1], 'load', 0) return 0 end
            return l
            """);

    // Sets one field only when the hash exists, so a partial hash is never created.
    private static final LuaScript SET_IF_PRESENT = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return 1
            """);

    // Creates the whole hash from PostgreSQL's figures unless another replica already did. A
    // new hash starts a new correction generation: drift seen on a lost hash is not applied to it.
    private static final LuaScript SEED = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'status', ARGV[1], 'max', ARGV[2], 'load', ARGV[3], 'last', '0', 'fix', ARGV[4])
            return 1
            """);

    // Drift correction (LoadDrift): adds the difference to the load, so a claim or release in
    // flight keeps its unit, and only while the hash is of the correction generation the
    // reconciler read, so the same drift is never corrected twice (by two replicas, or by a
    // check after the one that corrected it); a correction starts a new generation. -1 when the
    // hash is missing, 0 when another correction or a re-seed came first, 1 when corrected.
    private static final LuaScript CORRECT_LOAD = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if (redis.call('HGET', KEYS[1], 'fix') or '') ~= ARGV[1] then return 0 end
            local l = redis.call('HINCRBY', KEYS[1], 'load', ARGV[2])
            if l < 0 then redis.call('HSET', KEYS[1], 'load', 0) end
            redis.call('HSET', KEYS[1], 'fix', ARGV[3])
            return 1
            """);

    // A status or limit set back to PostgreSQL's, only if it still holds the value read.
    private static final LuaScript CORRECT_SETTING = new LuaScript("""
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return -1 end
            if v ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            return 1
            """);

    // All agents' figures with their correction generation, for the reconciler.
    private static final LuaScript FIGURES = new LuaScript("""
            local out = {}
            for i, k in ipairs(KEYS) do
              out[i] = redis.call('HMGET', k, 'status', 'max', 'load', 'last', 'fix')
            end
            return out
            """);

    // All agents' figures in one round trip.
    private static final LuaScript SNAPSHOT = new LuaScript("""
            local out = {}
            for i, k in ipairs(KEYS) do
              out[i] = redis.call('HMGET', k, 'status', 'max', 'load', 'last')
            end
            return out
            """);

    private final ReactiveRedisDataSource redis;

    LiveAgents(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public Uni<Claim> claim(String tenantId, String agentId, long nowMillis) {
        return CLAIM.run(redis, List.of(RedisKeys.agent(tenantId, agentId)), List.of(Long.toString(nowMillis)))
                .map(r -> {
                    int v = r.toInteger();
                    if (v < 0) {
                        return new Claim(ClaimOutcome.MISSING, 0);
                    }
                    return v == 0 ? new Claim(ClaimOutcome.REFUSED, 0) : new Claim(ClaimOutcome.CLAIMED, v);
                });
    }

    /**
     * What {@link #claimInOrder} reserved: the load after each claim, for a prefix of the agents
     * asked for, and why it stopped short ({@code CLAIMED} when it did not).
     */
    public record Claims(List<Integer> loads, ClaimOutcome stoppedBy) {}

    /**
     * Claims one unit of each agent in turn, in one round trip, with the same rule as
     * {@link #claim}; an agent may appear more than once. Stops at the first agent that cannot
     * take it: the claims before it stay made.
     */
    public Uni<Claims> claimInOrder(String tenantId, List<String> agentIds, long nowMillis) {
        if (agentIds.isEmpty()) {
            return Uni.createFrom().item(new Claims(List.of(), ClaimOutcome.CLAIMED));
        }
        List<String> keys = agentKeys(tenantId, agentIds);
        return CLAIM_IN_ORDER.run(redis, keys, List.of(Long.toString(nowMillis))).map(r -> {
            List<Integer> loads = new ArrayList<>(r.size() - 1);
            for (int i = 1; i < r.size(); i++) {
                loads.add(r.get(i).toInteger());
            }
            int stop = r.get(0).toInteger();
            return new Claims(loads, stop == 0 ? ClaimOutcome.CLAIMED : stop == -1 ? ClaimOutcome.MISSING : ClaimOutcome.REFUSED);
        });
    }

    /** Reserves one unit even beyond the limit, for manual assignments; refused only when the agent is offline. */
    public Uni<Claim> forceClaim(String tenantId, String agentId, long nowMillis) {
        return FORCE_CLAIM.run(redis, List.of(RedisKeys.agent(tenantId, agentId)), List.of(Long.toString(nowMillis)))
                .map(r -> {
                    int v = r.toInteger();
                    if (v < 0) {
                        return new Claim(ClaimOutcome.MISSING, 0);
                    }
                    return v == 0 ? new Claim(ClaimOutcome.REFUSED, 0) : new Claim(ClaimOutcome.CLAIMED, v);
                });
    }

    /** Gives back one unit; returns false when the hash is missing (seed it from PostgreSQL). */
    public Uni<Boolean> release(String tenantId, String agentId) {
        return RELEASE.run(redis, List.of(RedisKeys.agent(tenantId, agentId)), List.of())
                .map(r -> r.toInteger() >= 0);
    }

    public Uni<Boolean> setStatus(String tenantId, String agentId, AgentStatus status) {
        return SET_IF_PRESENT.run(redis, List.of(RedisKeys.agent(tenantId, agentId)), List.of("status", status.wire()))
                .map(r -> r.toInteger() > 0);
    }

    public Uni<Boolean> setMax(String tenantId, String agentId, int max) {
        return SET_IF_PRESENT.run(redis, List.of(RedisKeys.agent(tenantId, agentId)), List.of("max", Integer.toString(max)))
                .map(r -> r.toInteger() > 0);
    }

    /** Creates the hash from PostgreSQL's truth unless it exists; true when this call created it. */
    public Uni<Boolean> seed(String tenantId, String agentId, AgentStatus status, int max, int load) {
        return SEED.run(redis, List.of(RedisKeys.agent(tenantId, agentId)),
                        List.of(status.wire(), Integer.toString(max), Integer.toString(load), newGeneration()))
                .map(r -> r.toInteger() == 1);
    }

    /**
     * Adds {@code by} to the load (never below zero) only if the hash still is of correction
     * {@code generation}; true when this call changed it.
     */
    public Uni<Boolean> correctLoad(String tenantId, String agentId, String generation, int by) {
        return CORRECT_LOAD.run(redis, List.of(RedisKeys.agent(tenantId, agentId)),
                        List.of(generation, Integer.toString(by), newGeneration()))
                .map(r -> r.toInteger() == 1);
    }

    private static String newGeneration() {
        return java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** An agent's live figures and their correction generation ("" when the hash has none). */
    public record Figures(LiveState state, String generation) {}

    /** Live figures of the given agents with their correction generations, in the same order. */
    public Uni<List<Figures>> figures(String tenantId, List<String> agentIds) {
        if (agentIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> keys = new ArrayList<>(agentIds.size());
        for (String id : agentIds) {
            keys.add(RedisKeys.agent(tenantId, id));
        }
        return FIGURES.run(redis, keys, List.of()).map(r -> {
            List<Figures> out = new ArrayList<>(agentIds.size());
            for (int i = 0; i < agentIds.size(); i++) {
                Response fields = r.get(i);
                Response fix = fields == null ? null : fields.get(4);
                out.add(new Figures(parse(fields), fix == null ? "" : fix.toString()));
            }
            return out;
        });
    }

    /** Sets a status or limit to {@code to} only if it still is {@code from}; true when this call changed it. */
    public Uni<Boolean> correctSetting(String tenantId, String agentId, SettingDrift.Setting setting, String from, String to) {
        return CORRECT_SETTING.run(redis, List.of(RedisKeys.agent(tenantId, agentId)), List.of(setting.field(), from, to))
                .map(r -> r.toInteger() == 1);
    }

    /** Drops an agent's live hash: a removed agent must never be claimed again. */
    public Uni<Void> forget(String tenantId, String agentId) {
        return redis.key().del(RedisKeys.agent(tenantId, agentId)).replaceWithVoid();
    }

    /** Live figures of the given agents, in the same order. */
    public Uni<List<LiveState>> snapshot(String tenantId, List<String> agentIds) {
        if (agentIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> keys = agentKeys(tenantId, agentIds);
        return SNAPSHOT.run(redis, keys, List.of()).map(r -> {
            List<LiveState> out = new ArrayList<>(agentIds.size());
            for (int i = 0; i < agentIds.size(); i++) {
                out.add(parse(r.get(i)));
            }
            return out;
        });
    }

    public Uni<LiveState> state(String tenantId, String agentId) {
        return snapshot(tenantId, List.of(agentId)).map(l -> l.get(0));
    }

    /** The live hashes of several agents of one tenant: one Cluster slot, so one script may take them all. */
    static List<String> agentKeys(String tenantId, List<String> agentIds) {
        List<String> keys = new ArrayList<>(agentIds.size());
        for (String id : agentIds) {
            keys.add(RedisKeys.agent(tenantId, id));
        }
        return keys;
    }

    public static Candidate candidate(String agentId, LiveState s) {
        return new Candidate(agentId, s.status(), s.load(), s.maxConcurrent(), s.lastAssignedAt());
    }

    private static LiveState parse(Response fields) {
        if (fields == null || fields.get(0) == null) {
            return new LiveState(false, AgentStatus.OFFLINE, 0, 0, 0);
        }
        AgentStatus status = AgentStatus.parse(fields.get(0).toString()).orElse(AgentStatus.OFFLINE);
        return new LiveState(true, status, toInt(fields.get(2)), toInt(fields.get(1)), toLong(fields.get(3)));
    }

    private static int toInt(Response r) {
        return r == null ? 0 : Integer.parseInt(r.toString());
    }

    private static long toLong(Response r) {
        return r == null ? 0 : Long.parseLong(r.toString());
    }
}
