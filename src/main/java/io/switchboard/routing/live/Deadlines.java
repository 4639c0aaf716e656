package io.switchboard.routing.live;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ZAddArgs;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Timer deadlines (B6) in one sorted set per tenant, scored by the epoch millis they fall
 * due. Every replica polls; a due member is fired only by the replica whose ZREM removed it,
 * so each deadline fires exactly once wherever it was set.
 */
@ApplicationScoped
public class Deadlines {

    private final ReactiveSortedSetCommands<String, String> zset;

    Deadlines(ReactiveRedisDataSource redis) {
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

    public Uni<Void> remove(String tenantId, String member) {
        return zset.zrem(RedisKeys.deadlines(tenantId), member).replaceWithVoid();
    }

    /** Up to {@code limit} members due at {@code nowMillis}; they still have to be {@linkplain #claim claimed}. */
    public Uni<List<String>> due(String tenantId, long nowMillis, int limit) {
        return zset.zrangebyscore(RedisKeys.deadlines(tenantId), new ScoreRange<>(Double.NEGATIVE_INFINITY, (double) nowMillis),
                new ZRangeArgs().limit(0, limit));
    }

    /** True for exactly one caller per due member: the one whose ZREM removed it. */
    public Uni<Boolean> claim(String tenantId, String member) {
        return zset.zrem(RedisKeys.deadlines(tenantId), member).map(n -> n == 1);
    }
}
