package io.switchboard.knowledge;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.switchboard.testing.Fixtures;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Extra staff and groups for a test tenant, straight in PostgreSQL, for the scenes of the search and knowledge tests. */
public final class Staff {

    private static final String HASH = BcryptUtil.bcryptHash(Fixtures.PASSWORD);

    private Staff() {}

    /** A staff member with only these roles (no agent row unless "agent" is among them); returns their email. */
    public static String create(String tenantId, String... roles) {
        String email = String.join("-", roles) + "-" + UUID.randomUUID().toString().substring(0, 8) + "@test.test";
        UUID id = UUID.randomUUID();
        exec("insert into staff_users (id, tenant_id, email, name, password_hash, roles) values (?, ?, ?, ?, ?, ?::text[])",
                id, UUID.fromString(tenantId), email, "Staff " + email, HASH, "{" + String.join(",", roles) + "}");
        return email;
    }

    /**
     * An agent in a new group of their own, which no channel routes to: they serve none of the
     * team's conversations and are never assigned one. Returns their email.
     */
    public static String agentElsewhere(String tenantId) {
        String email = create(tenantId, "agent");
        UUID tenant = UUID.fromString(tenantId);
        UUID group = UUID.randomUUID();
        exec("insert into agents (user_id, tenant_id) select id, tenant_id from staff_users where email = ?", email);
        exec("insert into agent_groups (id, tenant_id, name) values (?, ?, ?)", group, tenant, "Elsewhere " + group);
        exec("insert into group_members (group_id, agent_id, tenant_id) select ?, id, tenant_id from staff_users where email = ?",
                group, email);
        return email;
    }

    public static void exec(String sql, Object... args) {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
