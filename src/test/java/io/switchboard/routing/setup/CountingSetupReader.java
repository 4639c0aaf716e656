package io.switchboard.routing.setup;

import io.smallrye.mutiny.Uni;
import io.switchboard.routing.RoutingSetup;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The reader of every test, counting per tenant how often a setup is read from PostgreSQL. */
@Alternative
@Priority(1)
@Singleton
public class CountingSetupReader extends RoutingSetupReader {

    private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

    CountingSetupReader(Pool pool) {
        super(pool);
    }

    @Override
    public Uni<RoutingSetup> read(String tenantId) {
        reads.computeIfAbsent(tenantId, t -> new AtomicInteger()).incrementAndGet();
        return super.read(tenantId);
    }

    /** How many times the tenant's setup was read (three statements each). */
    public int reads(String tenantId) {
        AtomicInteger n = reads.get(tenantId);
        return n == null ? 0 : n.get();
    }
}
