package io.switchboard.testing;

import io.quarkus.elytron.security.common.BcryptUtil;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Creates an isolated team per test straight in PostgreSQL: a fresh tenant with its own
 * agents, group and web channel, so tests never see each other's data. Plain JDBC so the
 * same code serves tests inside Quarkus and tests against packaged replicas.
 */
public final class Fixtures {

    public static final String PASSWORD = "test-password";
    /** Hashing once keeps fixture set-up fast; bcrypt is slow by design. */
    private static final String PASSWORD_HASH = BcryptUtil.bcryptHash(PASSWORD);

    public record Agent(String id, String email, String name) {}

    public record Team(String tenantId, String groupId, String channelId, String channelKey, String channelSecret,
                       String adminEmail, List<Agent> agents) {}

    private Fixtures() {}

    /** Set by a test that runs against its own PostgreSQL (a throwaway server it stops and starts). */
    public static final String OVERRIDE = "switchboard.fixtures.jdbc-url";

    public static String jdbcUrl() {
        String override = System.getProperty(OVERRIDE);
        if (override != null) {
            return override;
        }
        String env = System.getenv("DB_JDBC_URL");
        return env != null ? env : System.getProperty("switchboard.test.jdbc-url", "jdbc:postgresql://localhost:5432/switchboard_test");
    }

    public static Connection connect() throws SQLException {
        String user = System.getenv().getOrDefault("DB_USER", "postgres");
        String password = System.getenv().getOrDefault("DB_PASSWORD", "");
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** A tenant with {@code agents} agents of the given capacity in one group, and a web channel on it. */
    public static Team team(int agents, int capacity) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        UUID tenant = UUID.randomUUID();
        UUID group = UUID.randomUUID();
        UUID channel = UUID.randomUUID();
        String key = "web-" + suffix;
        String secret = "secret-" + suffix;
        List<Agent> created = new ArrayList<>();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            exec(c, "insert into tenants (id, slug, name) values (?, ?, ?)", tenant, "t-" + suffix, "Tenant " + suffix);
            exec(c, "insert into agent_groups (id, tenant_id, name) values (?, ?, 'General')", group, tenant);
            exec(c, "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'Web', ?, ?, ?)",
                    channel, tenant, key, secret, group);
            String adminEmail = "admin-" + suffix + "@test.test";
            staff(c, UUID.randomUUID(), tenant, adminEmail, "Admin " + suffix, new String[] {"admin", "supervisor"});
            for (int i = 1; i <= agents; i++) {
                UUID id = UUID.randomUUID();
                String email = "agent" + i + "-" + suffix + "@test.test";
                staff(c, id, tenant, email, "Agent " + i, new String[] {"agent"});
                exec(c, "insert into agents (user_id, tenant_id, max_concurrent) values (?, ?, ?)", id, tenant, capacity);
                exec(c, "insert into group_members (group_id, agent_id, tenant_id) values (?, ?, ?)", group, id, tenant);
                created.add(new Agent(id.toString(), email, "Agent " + i));
            }
            c.commit();
            return new Team(tenant.toString(), group.toString(), channel.toString(), key, secret, adminEmail, List.copyOf(created));
        } catch (SQLException e) {
            throw new IllegalStateException("fixture failed", e);
        }
    }

    private static void staff(Connection c, UUID id, UUID tenant, String email, String name, String[] roles) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into staff_users (id, tenant_id, email, name, password_hash, roles) values (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, tenant);
            ps.setString(3, email);
            ps.setString(4, name);
            ps.setString(5, PASSWORD_HASH);
            ps.setArray(6, c.createArrayOf("text", roles));
            ps.executeUpdate();
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** One number from PostgreSQL, for assertions against the truth. */
    public static long count(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof String s && s.length() == 36 && s.charAt(8) == '-' ? UUID.fromString(s) : args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
