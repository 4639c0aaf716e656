package io.switchboard.bootstrap;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/** Writes tenants, staff, groups and channels: used by the bootstrap and the demo seed. */
final class TeamWriter {

    private TeamWriter() {}

    static Uni<UUID> tenant(SqlClient conn, String slug, String name) {
        UUID id = UUID.randomUUID();
        return conn.preparedQuery("insert into tenants (id, slug, name) values ($1, $2, $3)")
                .execute(Tuple.of(id, slug, name)).replaceWith(id);
    }

    /** @param passwordHash a bcrypt hash, computed by the caller off the event loop */
    static Uni<UUID> staff(SqlClient conn, UUID tenantId, String email, String name, String passwordHash, List<String> roles) {
        UUID id = UUID.randomUUID();
        return conn.preparedQuery("""
                        insert into staff_users (id, tenant_id, email, name, password_hash, roles)
                        values ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.of(id, tenantId, email, name, passwordHash, roles.toArray(String[]::new)))
                // Agents start online (FEATURES B3); the reconciler seeds their live state from this row.
                .flatMap(r -> roles.contains("agent")
                        ? conn.preparedQuery("insert into agents (user_id, tenant_id, status) values ($1, $2, 'online')").execute(Tuple.of(id, tenantId)).replaceWith(id)
                        : Uni.createFrom().item(id));
    }

    static Uni<UUID> group(SqlClient conn, UUID tenantId, String name) {
        UUID id = UUID.randomUUID();
        return conn.preparedQuery("insert into agent_groups (id, tenant_id, name) values ($1, $2, $3)")
                .execute(Tuple.of(id, tenantId, name)).replaceWith(id);
    }

    static Uni<Void> member(SqlClient conn, UUID tenantId, UUID groupId, UUID agentId) {
        return conn.preparedQuery("insert into group_members (group_id, agent_id, tenant_id) values ($1, $2, $3)")
                .execute(Tuple.of(groupId, agentId, tenantId)).replaceWithVoid();
    }

    static Uni<UUID> webChannel(SqlClient conn, UUID tenantId, String name, String key, String secret, UUID groupId) {
        UUID id = UUID.randomUUID();
        return conn.preparedQuery("""
                        insert into channels (id, tenant_id, kind, name, public_key, secret, group_id)
                        values ($1, $2, 'web', $3, $4, $5, $6)""")
                .execute(Tuple.of(id, tenantId, name, key, secret, groupId)).replaceWith(id);
    }
}
