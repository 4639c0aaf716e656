package io.switchboard.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Counts failed logins per account in Redis, shared by every replica (the rule is
 * {@link AccountLockout}). Fails open like {@link AddressLimiter}: with Redis down the service
 * is degraded already, and refusing every login would turn a guard into an outage.
 */
@ApplicationScoped
public class AccountLimiter {

    private static final Logger LOG = Logger.getLogger(AccountLimiter.class);
    /** The count and the window's remaining milliseconds, in one round trip. */
    private static final String READ = """
            local n = tonumber(redis.call('GET', KEYS[1]) or '0')
            return {n, redis.call('PTTL', KEYS[1])}""";
    /** The first failure opens the window; later ones only count. */
    private static final String FAIL = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n""";

    private final ReactiveRedisDataSource redis;
    private final RateLimitConfig config;

    AccountLimiter(ReactiveRedisDataSource redis, RateLimitConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** Whether a login to this account (an email, existing or not) may be checked now. */
    public Uni<FixedWindow.Decision> check(String email) {
        if (!config.enabled()) {
            return Uni.createFrom().item(FixedWindow.Decision.ALLOW);
        }
        String key = RedisKeys.loginFailures(AccountLockout.accountOf(email));
        return redis.execute(Command.EVAL, READ, "1", key)
                .map(r -> AccountLockout.decide(r.get(0).toLong(), r.get(1).toLong(),
                        config.loginFailuresPerAccount(), config.accountLockout().toMillis()))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("account login limit skipped, redis: %s", e.getMessage());
                    return FixedWindow.Decision.ALLOW;
                });
    }

    /** Counts one failed login to this account. Never fails: a lost count forgives one guess. */
    public Uni<Void> failed(String email) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        String key = RedisKeys.loginFailures(AccountLockout.accountOf(email));
        return redis.execute(Command.EVAL, FAIL, "1", key, Long.toString(config.accountLockout().toMillis()))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("account login failure not counted, redis: %s", e.getMessage());
                    return null;
                });
    }
}
