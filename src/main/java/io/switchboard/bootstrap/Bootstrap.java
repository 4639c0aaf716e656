package io.switchboard.bootstrap;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * First start: creates a tenant and its admin on an empty database, and the demo team
 * when switched on. Every replica may run this at once: the inserts are guarded by
 * unique keys and an advisory lock, so exactly one of them writes.
 */
@Singleton
public class Bootstrap {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class);
    /** Arbitrary constant naming the advisory lock that serialises first-start seeding. */
    private static final long SEED_LOCK = 0x5b_0075_7a11L;
    public static final String DEMO_PASSWORD = "demo-password";

    private final Pool pool;
    private final BootstrapConfig config;
    private final DemoConfig demo;

    Bootstrap(Pool pool, BootstrapConfig config, DemoConfig demo) {
        this.pool = pool;
        this.config = config;
        this.demo = demo;
    }

    // Runs on the start-up thread, never an event loop: waiting here delays readiness, which is what we want.
    // bcrypt is slow on purpose, so the hashes are made here and not inside the reactive chain.
    void onStart(@Observes StartupEvent ev) {
        String adminHash = config.adminPassword().map(BcryptUtil::bcryptHash).orElse(null);
        String demoHash = demo.enabled() ? BcryptUtil.bcryptHash(DEMO_PASSWORD) : null;
        seed(adminHash, demoHash).await().atMost(Duration.ofSeconds(60));
    }

    Uni<Void> seed(String adminHash, String demoHash) {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(SEED_LOCK))
                .flatMap(x -> conn.query("select count(*) as n from tenants").execute())
                .flatMap(rows -> {
                    long tenants = rows.iterator().next().getLong("n");
                    Uni<Void> first = Uni.createFrom().voidItem();
                    if (tenants == 0) {
                        if (adminHash == null) {
                            return Uni.createFrom().failure(new IllegalStateException(
                                    "the database has no tenant yet: set BOOTSTRAP_ADMIN_PASSWORD for the first admin"));
                        }
                        first = TeamWriter.tenant(conn, config.tenantSlug(), config.tenantName())
                                .flatMap(t -> TeamWriter.staff(conn, t, config.adminEmail(), "Administrator",
                                        adminHash, List.of("admin", "supervisor")))
                                .invoke(() -> LOG.infof("created tenant '%s' with admin %s", config.tenantSlug(), config.adminEmail()))
                                .replaceWithVoid();
                    }
                    if (!demo.enabled()) {
                        return first;
                    }
                    return first.flatMap(v -> conn.query("select 1 from tenants where slug = 'demo'").execute())
                            .flatMap(existing -> existing.size() > 0 ? Uni.createFrom().voidItem() : demoTeam(conn, demoHash));
                }));
    }

    private Uni<Void> demoTeam(io.vertx.mutiny.sqlclient.SqlConnection conn, String hash) {
        return TeamWriter.tenant(conn, "demo", "Demo").flatMap(t ->
                TeamWriter.staff(conn, t, "admin@demo.test", "Demo Admin", hash, List.of("admin", "supervisor"))
                        .flatMap(a -> TeamWriter.group(conn, t, "General"))
                        .flatMap(g -> TeamWriter.staff(conn, t, "agent1@demo.test", "Alice", hash, List.of("agent"))
                                .flatMap(a1 -> TeamWriter.member(conn, t, g, a1))
                                .flatMap(v -> TeamWriter.staff(conn, t, "agent2@demo.test", "Bob", hash, List.of("agent")))
                                .flatMap(a2 -> TeamWriter.member(conn, t, g, a2))
                                .flatMap(v -> TeamWriter.staff(conn, t, "agent3@demo.test", "Chen", hash, List.of("agent")))
                                .flatMap(a3 -> TeamWriter.member(conn, t, g, a3))
                                .flatMap(v -> TeamWriter.webChannel(conn, t, "Demo website", "demo-web", "demo-secret", g))))
                .invoke(() -> LOG.info("created demo tenant 'demo': admin@demo.test, agent1..3@demo.test (password demo-password), channel demo-web"))
                .replaceWithVoid();
    }
}
