package io.switchboard.routing.setup;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.switchboard.event.RedisSubscriber;
import io.switchboard.routing.RoutingSetup;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each tenant's routing setup, read from PostgreSQL once and then kept in this replica's
 * memory, so that routing a conversation reads no configuration (before: two or three queries
 * and a JSON decode of every rule and every group's hours, per conversation).
 *
 * <p>Exact across replicas the way session epochs are: whoever changes a tenant's rules,
 * groups or settings calls {@link #changed} once the change has committed; this replica
 * forgets the tenant's setup at once and every other replica when it hears the tenant id on
 * {@link RedisKeys#routingSetupChannel()}. A replica that lost its pub/sub link forgets every
 * tenant when it is back, since messages sent meanwhile are lost; and should a message be lost
 * while the link stayed up (Redis unreachable only for the replica that made the change), a
 * setup is trusted for at most {@link RoutingCacheConfig#cacheTtl()}. A read that overlaps a
 * change is not kept (see {@link VersionedCache}).
 */
@ApplicationScoped
public class RoutingSetups {

    private static final Logger LOG = Logger.getLogger(RoutingSetups.class);

    private final RoutingSetupReader reader;
    private final ReactiveRedisDataSource redis;
    private final VersionedCache<String, RoutingSetup> cache;
    private final AtomicLong reads = new AtomicLong();

    RoutingSetups(RoutingSetupReader reader, ReactiveRedisDataSource redis, RoutingCacheConfig config,
                  RedisSubscriber subscriber, MeterRegistry registry) {
        this.reader = reader;
        this.redis = redis;
        this.cache = new VersionedCache<>(config.cacheTtl(), System::nanoTime);
        subscriber.listen(RedisKeys.routingSetupChannel(), this::onMessage, cache::forgetAll);
        FunctionCounter.builder("switchboard.routing.setup.reads", reads, AtomicLong::get)
                .description("Routing setups (rules, group hours, out-of-hours text) read from PostgreSQL by this replica")
                .register(registry);
    }

    /** Created at start, so that the replica hears changes before it routes anything. */
    void onStart(@Observes StartupEvent ev) {
        LOG.debug("routing setups: listening for changes");
    }

    /** The tenant's setup: kept in memory, read from PostgreSQL when missing or too old. */
    public Uni<RoutingSetup> of(String tenantId) {
        return cache.get(tenantId, t -> {
            reads.incrementAndGet();
            return reader.read(t);
        });
    }

    /** How many times this replica read a setup from PostgreSQL. */
    public long reads() {
        return reads.get();
    }

    /**
     * The tenant's rules, groups or settings changed: forgotten here and on every replica. Call
     * once the change has committed (told before, a replica could read the old rows again and
     * keep them). Never fails: a publish that does not reach Redis leaves other replicas to
     * find out within the cache's time to live.
     */
    public Uni<Void> changed(String tenantId) {
        cache.forget(tenantId);
        return redis.execute(Command.PUBLISH, RedisKeys.routingSetupChannel(), tenantId)
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("routing change of tenant %s not published (%s): other replicas learn it within the cache's time to live",
                        tenantId, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private void onMessage(String tenantId) {
        try {
            // Only tenant ids are ever published; anything else is not worth a key.
            cache.forget(UUID.fromString(tenantId).toString());
        } catch (IllegalArgumentException e) {
            LOG.debugf("ignored routing change message '%s'", tenantId);
        }
    }
}
