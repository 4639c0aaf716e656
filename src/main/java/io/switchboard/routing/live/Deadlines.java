package io.switchboard.routing.live;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.ZAddArgs;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Timer deadlines (B6) in one sorted set per tenant, scored by the epoch millis they fall
 * due. Redis only remembers when to look: the deadlines are derived from PostgreSQL's rows,
 * set again from them when Redis lost them, and every firing re-checks the row.
 *
 * <p>Every replica polls. A due deadline is {@linkplain #claim claimed} by moving it to a
 * lease (now plus a back-off) in one script, so exactly one replica fires it; the firing then
 * {@linkplain #done removes} or {@linkplain #later moves} it. A firing that fails (PostgreSQL
 * away, an error) leaves it at its lease: it is due again then, on whichever replica, with a
 * back-off that doubles at each failure. Nothing is dropped until it was fired.
 */
@ApplicationScoped
public class Deadlines {

    /** A deadline found due: its member and the score it was found at (the claim compares it). */
    public record Due(String member, long atMillis) {}

    // Moves a due member to its lease, only if it still is where it was found due, so two
    // replicas finding it due at once cannot both take it. The lease doubles with the number
    // of tries (kept beside, per member) up to the ceiling. Returns the lease, or -1 when the
    // member moved or was removed meanwhile.
    private static final LuaScript CLAIM = new LuaScript("""
            local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not s or tonumber(s) ~= tonumber(ARGV[2]) then return -1 end
            local n = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            local wait = tonumber(ARGV[4]) * 2 ^ math.min(n - 1, 30)
            if wait > tonumber(ARGV[5]) then wait = tonumber(ARGV[5]) end
            local lease = math.floor(tonumber(ARGV[3]) + wait)
            redis.call('ZADD', KEYS[1], lease, ARGV[1])
            return lease
            """);

    // The firing ended: the member goes (ARGV[3] empty) or moves to ARGV[3], unless something
    // set it anew since the claim (a visitor message moved it): that deadline stands.
    private static final LuaScript SETTLE = new LuaScript("""
            redis.call('HDEL', KEYS[2], ARGV[1])
            local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
            if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
            return 1
            """);

    // Removes a deadline and its count of tries.
    private static final LuaScript REMOVE = new LuaScript("""
            redis.call('HDEL', KEYS[2], ARGV[1])
            return redis.call('ZREM', KEYS[1], ARGV[1])
            """);

    // Sets each member (ARGV pairs: member, millis) unless it is pending at that time or earlier:
    // the earlier deadline wins. Runs on any Redis version (ZADD LT needs 6.2).
    private static final LuaScript SET_EARLIER = new LuaScript("""
            for i = 1, #ARGV, 2 do
              local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
              if not s or tonumber(s) > tonumber(ARGV[i + 1]) then redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
            end
            return 1
            """);

    private final ReactiveRedisDataSource redis;
    private final ReactiveSortedSetCommands<String, String> zset;

    Deadlines(ReactiveRedisDataSource redis) {
        this.redis = redis;
        this.zset = redis.sortedSet(String.class);
    }

    /** Sets (or moves) the deadline. */
    public Uni<Void> set(String tenantId, String member, long atMillis) {
        return zset.zadd(RedisKeys.deadlines(tenantId), atMillis, member).replaceWithVoid();
    }

    /** Sets the deadline unless one is already pending: the earliest cause keeps its time. */
    public Uni<Void> setIfAbsent(String tenantId, String member, long atMillis) {
        return zset.zadd(RedisKeys.deadlines(tenantId), new ZAddArgs().nx(), atMillis, member).replaceWithVoid();
    }

    /**
     * Sets every deadline given that is not pending already, in one command: a rebuild from
     * PostgreSQL never moves a deadline set since (by a message, or a lease of a firing).
     */
    public Uni<Void> setAllIfAbsent(String tenantId, Map<String, Long> atMillis) {
        if (atMillis.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<ScoredValue<String>> items = new ArrayList<>(atMillis.size());
        atMillis.forEach((member, at) -> items.add(ScoredValue.of(member, at)));
        return zset.zadd(RedisKeys.deadlines(tenantId), new ZAddArgs().nx(), items.toArray(ScoredValue[]::new)).replaceWithVoid();
    }

    /**
     * Sets every deadline given that is missing or pending later, in one script: after the
     * tenant's minutes changed, a deadline set with the old (longer) minutes must not wait for
     * them. Moving one earlier is harmless: every firing re-checks the row under its lock.
     */
    public Uni<Void> setAllEarlier(String tenantId, Map<String, Long> atMillis) {
        if (atMillis.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = new ArrayList<>(atMillis.size() * 2);
        atMillis.forEach((member, at) -> {
            args.add(member);
            args.add(Long.toString(at));
        });
        return SET_EARLIER.run(redis, List.of(RedisKeys.deadlines(tenantId)), args).replaceWithVoid();
    }

    public Uni<Void> remove(String tenantId, String member) {
        return REMOVE.run(redis, keys(tenantId), List.of(member)).replaceWithVoid();
    }

    /** Up to {@code limit} deadlines due at {@code nowMillis}; they still have to be {@linkplain #claim claimed}. */
    public Uni<List<Due>> due(String tenantId, long nowMillis, int limit) {
        return zset.zrangebyscoreWithScores(RedisKeys.deadlines(tenantId), new ScoreRange<>(Double.NEGATIVE_INFINITY, (double) nowMillis),
                new ZRangeArgs().limit(0, limit)).map(found -> {
                    List<Due> out = new ArrayList<>(found.size());
                    for (ScoredValue<String> v : found) {
                        out.add(new Due(v.value(), (long) v.score()));
                    }
                    return out;
                });
    }

    /**
     * Takes a due deadline for this replica: moves it to {@code now + backoff * 2^(tries - 1)}
     * (at most {@code maxBackoffMillis}), its retry time should the firing fail. Returns that
     * lease, or empty when another replica took it or it moved since it was found due.
     */
    public Uni<Optional<Long>> claim(String tenantId, Due due, long nowMillis, long backoffMillis, long maxBackoffMillis) {
        return CLAIM.run(redis, keys(tenantId), List.of(due.member(), Long.toString(due.atMillis()), Long.toString(nowMillis),
                        Long.toString(backoffMillis), Long.toString(maxBackoffMillis)))
                .map(r -> {
                    long lease = r.toLong();
                    return lease < 0 ? Optional.<Long>empty() : Optional.of(lease);
                });
    }

    /** The firing of a claimed deadline is over: remove it, unless it was set anew since the claim. */
    public Uni<Void> done(String tenantId, String member, long lease) {
        return SETTLE.run(redis, keys(tenantId), List.of(member, Long.toString(lease), "")).replaceWithVoid();
    }

    /** The firing found it not due yet: look again at {@code atMillis}, unless it was set anew since the claim. */
    public Uni<Void> later(String tenantId, String member, long lease, long atMillis) {
        return SETTLE.run(redis, keys(tenantId), List.of(member, Long.toString(lease), Long.toString(atMillis))).replaceWithVoid();
    }

    private static List<String> keys(String tenantId) {
        return List.of(RedisKeys.deadlines(tenantId), RedisKeys.deadlineTries(tenantId));
    }
}
