package io.switchboard.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Counts attempts per remote address in Redis so that every replica sees the same count:
 * a client spreading its attempts over replicas gains nothing. One script call per attempt
 * (increment, and on the first hit set the expiry), so a counter never outlives its window.
 *
 * <p>Keys: {@code sb:ratelimit:<scope>:<address>:<window index>} ({@link FixedWindow#key}); they
 * precede any tenant, since an attacker has none.
 */
@ApplicationScoped
public class AddressLimiter {

    private static final Logger LOG = Logger.getLogger(AddressLimiter.class);
    private static final String INCR_WITH_EXPIRY = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n""";

    public static final String SOCKETS = "ws";
    public static final String LOGIN = "login";
    public static final String VISITORS = "visitors";

    private final ReactiveRedisDataSource redis;
    private final RateLimitConfig config;

    AddressLimiter(ReactiveRedisDataSource redis, RateLimitConfig config) {
        this.redis = redis;
        this.config = config;
    }

    public int limitOf(String scope) {
        return switch (scope) {
            case SOCKETS -> config.socketConnects();
            case LOGIN -> config.logins();
            case VISITORS -> config.visitorTokens();
            default -> throw new IllegalArgumentException(scope);
        };
    }

    /**
     * Counts one attempt. Fails open: with Redis down the service is degraded already, and
     * refusing every login and socket would turn a flood guard into an outage.
     */
    public Uni<FixedWindow.Decision> attempt(String scope, String address) {
        if (!config.enabled() || address == null) {
            return Uni.createFrom().item(FixedWindow.Decision.ALLOW);
        }
        long now = System.currentTimeMillis();
        long window = config.window().toMillis();
        String key = FixedWindow.key(scope, address, FixedWindow.index(now, window));
        int limit = limitOf(scope);
        return redis.execute(Command.EVAL, INCR_WITH_EXPIRY, "1", key, Long.toString(window + 1000))
                .map(r -> FixedWindow.decide(r.toLong(), limit, now, window))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("rate limit check skipped, redis: %s", e.getMessage());
                    return FixedWindow.Decision.ALLOW;
                });
    }
}
