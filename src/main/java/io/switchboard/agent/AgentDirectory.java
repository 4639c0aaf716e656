package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.EventLog;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL for administering staff and agents: who they are, their groups, limit and skills.
 * Staff accounts and group membership share transactions with the conversation tables
 * (removal gives conversations back), so this stays on the reactive pool.
 */
@ApplicationScoped
public class AgentDirectory {

    public record GroupRef(String id, String name) {}

    public record ChannelRef(String id, String name) {}

    /** @param channels the channels the agent serves; empty means every channel of their groups */
    public record Listed(String id, String email, String name, List<String> roles, List<GroupRef> groups,
                         List<ChannelRef> channels, int maxConcurrent, Map<String, Integer> skills, String addedVia,
                         String storedStatus) {}

    /** A conversation handed back to the queue when its agent left. */
    public record Released(String conversationId, String visitorId, String groupId) {}

    private static final String LIST_SQL = """
            select u.id, u.email, u.name, u.roles, a.max_concurrent, a.skills, a.added_via, a.status,
                   coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name)
                            filter (where g.id is not null), '[]') as groups,
                   (select coalesce(json_agg(json_build_object('id', ch.id, 'name', ch.name) order by ch.name), '[]')
                    from agent_channels ac join channels ch on ch.id = ac.channel_id
                    where ac.agent_id = a.user_id) as channels
            from agents a join staff_users u on u.id = a.user_id
            left join group_members gm on gm.agent_id = a.user_id
            left join agent_groups g on g.id = gm.group_id
            where a.tenant_id = $1 and a.removed_at is null %s
            group by u.id, a.user_id order by u.name, u.id""";

    private final Pool pool;
    private final EventLog log;

    AgentDirectory(Pool pool, EventLog log) {
        this.log = log;
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<List<Listed>> list(String tenantId) {
        return pool.preparedQuery(LIST_SQL.formatted("")).execute(Tuple.of(UUID.fromString(tenantId))).map(AgentDirectory::listed);
    }

    public Uni<Optional<Listed>> find(String tenantId, String agentId) {
        return pool.preparedQuery(LIST_SQL.formatted("and a.user_id = $2"))
                .execute(Tuple.of(UUID.fromString(tenantId), UUID.fromString(agentId)))
                .map(rows -> listed(rows).stream().findFirst());
    }

    /** How many of the ids are groups of the tenant. */
    public Uni<Integer> countGroups(String tenantId, List<UUID> groupIds) {
        return pool.preparedQuery("select count(*) as n from agent_groups where tenant_id = $1 and id = any($2)")
                .execute(Tuple.of(UUID.fromString(tenantId), groupIds.toArray(UUID[]::new)))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    /** How many of the ids are channels of the tenant that were not removed. */
    public Uni<Integer> countChannels(String tenantId, List<UUID> channelIds) {
        return pool.preparedQuery("select count(*) as n from channels where tenant_id = $1 and id = any($2) and deleted_at is null")
                .execute(Tuple.of(UUID.fromString(tenantId), channelIds.toArray(UUID[]::new)))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    public Uni<Boolean> emailTaken(String email) {
        return pool.preparedQuery("select 1 from staff_users where lower(email) = lower($1)")
                .execute(Tuple.of(email)).map(rows -> rows.size() > 0);
    }

    /** Creates the staff account, its agent row (online: FEATURES B3) and memberships in one transaction. */
    public Uni<String> create(String tenantId, String email, String name, String passwordHash, List<String> roles,
                              Integer maxConcurrent, Map<String, Integer> skills, List<String> groupIds,
                              List<String> channelIds) {
        UUID id = UUID.randomUUID();
        UUID tenant = UUID.fromString(tenantId);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                insert into staff_users (id, tenant_id, email, name, password_hash, roles)
                                values ($1, $2, $3, $4, $5, $6)""")
                        .execute(Tuple.of(id, tenant, email, name, passwordHash, roles.toArray(String[]::new)))
                        .flatMap(r -> conn.preparedQuery("""
                                        insert into agents (user_id, tenant_id, max_concurrent, skills, added_via, status)
                                        values ($1, $2, coalesce($3, (select default_max_concurrent from tenant_settings where tenant_id = $2), 10),
                                                $4, 'admin', 'online')""")
                                .execute(Tuple.of(id, tenant, maxConcurrent, new JsonObject(new LinkedHashMap<>(skills)))))
                        .flatMap(r -> setGroups(conn, tenant, id, groupIds))
                        .flatMap(r -> setChannels(conn, tenant, id, channelIds)))
                .replaceWith(id.toString());
    }

    /**
     * What {@link #update} did: whether the agent was found, and the user's new session epoch
     * when the password or roles changed (every earlier token then stops working), else null.
     */
    public record Updated(boolean found, Long sessionEpoch) {}

    /**
     * Changes what is given (null leaves a field as it is). A new password hash, or roles that
     * differ from the current ones, bump the session epoch in the same transaction.
     */
    public Uni<Updated> update(String tenantId, String agentId, String name, Integer maxConcurrent,
                               Map<String, Integer> skills, List<String> groupIds, List<String> channelIds,
                               String passwordHash, List<String> roles) {
        UUID tenant = UUID.fromString(tenantId);
        UUID id = UUID.fromString(agentId);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                update agents set max_concurrent = coalesce($3, max_concurrent), skills = coalesce($4, skills)
                                where user_id = $1 and tenant_id = $2 and removed_at is null""")
                .execute(Tuple.of(id, tenant, maxConcurrent, skills == null ? null : new JsonObject(new LinkedHashMap<>(skills))))
                .flatMap(rows -> {
                    if (rows.rowCount() != 1) {
                        return Uni.createFrom().item(new Updated(false, null));
                    }
                    Uni<Void> steps = name == null ? Uni.createFrom().voidItem()
                            : conn.preparedQuery("update staff_users set name = $2 where id = $1").execute(Tuple.of(id, name)).replaceWithVoid();
                    if (groupIds != null) {
                        steps = steps.flatMap(v -> conn.preparedQuery("delete from group_members where agent_id = $1 and tenant_id = $2")
                                .execute(Tuple.of(id, tenant)).flatMap(d -> setGroups(conn, tenant, id, groupIds)));
                    }
                    if (channelIds != null) {
                        steps = steps.flatMap(v -> conn.preparedQuery("delete from agent_channels where agent_id = $1 and tenant_id = $2")
                                .execute(Tuple.of(id, tenant)).flatMap(d -> setChannels(conn, tenant, id, channelIds)));
                    }
                    if (passwordHash == null && roles == null) {
                        return steps.replaceWith(new Updated(true, null));
                    }
                    // Roles given in another order are the same roles: no new session for them.
                    return steps.flatMap(v -> conn.preparedQuery("""
                                    update staff_users set password_hash = coalesce($2, password_hash), roles = coalesce($3, roles),
                                           session_epoch = session_epoch + 1
                                    where id = $1 and ($2::text is not null
                                          or ($3::text[] is not null and not (roles @> $3::text[] and roles <@ $3::text[])))
                                    returning session_epoch""")
                            .execute(Tuple.of(id, passwordHash, roles == null ? null : roles.toArray(String[]::new))))
                            .map(r -> new Updated(true, r.size() == 0 ? null : r.iterator().next().getLong("session_epoch")));
                }));
    }

    /**
     * Removes an agent: the account can no longer log in, leaves its groups, and every
     * conversation it held goes back to the queue. The agent row is locked first, and the
     * dispatcher locks it for share before recording an assignment, so no conversation can
     * be handed to the agent after this commits. Rows stay, so history keeps its assignee.
     *
     * @return the released conversations, or empty when the agent is not in the tenant
     */
    public Uni<Optional<List<Released>>> remove(String tenantId, String agentId, String actorId) {
        UUID tenant = UUID.fromString(tenantId);
        UUID id = UUID.fromString(agentId);
        return pool.withTransaction(conn -> conn.preparedQuery(
                        "select 1 from agents where user_id = $1 and tenant_id = $2 and removed_at is null for update")
                .execute(Tuple.of(id, tenant))
                .flatMap(found -> {
                    if (found.size() == 0) {
                        return Uni.createFrom().item(Optional.<List<Released>>empty());
                    }
                    return conn.preparedQuery("update agents set removed_at = now(), status = 'offline', status_changed_at = now() where user_id = $1")
                            .execute(Tuple.of(id))
                            .flatMap(r -> conn.preparedQuery("update staff_users set disabled_at = now() where id = $1").execute(Tuple.of(id)))
                            .flatMap(r -> conn.preparedQuery("delete from group_members where agent_id = $1").execute(Tuple.of(id)))
                            .flatMap(r -> conn.preparedQuery("""
                                            update conversations set state = 'queued', assignee_id = null, assigned_at = null,
                                                   queued_at = coalesce(queued_at, created_at)
                                            where tenant_id = $1 and assignee_id = $2 and state = 'open'
                                            returning id, visitor_id, group_id""")
                                    .execute(Tuple.of(tenant, id)))
                            .flatMap(rows -> {
                                List<Released> released = new ArrayList<>();
                                for (Row r : rows) {
                                    released.add(new Released(r.getUUID("id").toString(), r.getUUID("visitor_id").toString(),
                                            r.getUUID("group_id") == null ? null : r.getUUID("group_id").toString()));
                                }
                                if (released.isEmpty()) {
                                    return Uni.createFrom().item(Optional.of(released));
                                }
                                List<DomainEvent> events = new ArrayList<>();
                                for (Released c : released) {
                                    events.add(new DomainEvent.Released(tenantId, c.conversationId(),
                                            DomainEvent.Actor.staff(actorId), agentId));
                                }
                                return log.appendAll(conn, events).replaceWith(Optional.of(released));
                            });
                }));
    }

    private static Uni<Void> setGroups(SqlClient conn, UUID tenant, UUID agent, List<String> groupIds) {
        if (groupIds == null || groupIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (String g : groupIds) {
            rows.add(Tuple.of(UUID.fromString(g), agent, tenant));
        }
        return conn.preparedQuery("insert into group_members (group_id, agent_id, tenant_id) values ($1, $2, $3)")
                .executeBatch(rows).replaceWithVoid();
    }

    private static Uni<Void> setChannels(SqlClient conn, UUID tenant, UUID agent, List<String> channelIds) {
        if (channelIds == null || channelIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (String c : channelIds) {
            rows.add(Tuple.of(agent, UUID.fromString(c), tenant));
        }
        return conn.preparedQuery("insert into agent_channels (agent_id, channel_id, tenant_id) values ($1, $2, $3)")
                .executeBatch(rows).replaceWithVoid();
    }

    private static io.vertx.core.json.JsonArray array(Object raw) {
        return raw instanceof io.vertx.core.json.JsonArray a ? a : new io.vertx.core.json.JsonArray(String.valueOf(raw));
    }

    private static List<Listed> listed(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Listed> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            List<GroupRef> groups = new ArrayList<>();
            io.vertx.core.json.JsonArray arr = array(r.getValue("groups"));
            for (int i = 0; i < arr.size(); i++) {
                JsonObject g = arr.getJsonObject(i);
                groups.add(new GroupRef(g.getString("id"), g.getString("name")));
            }
            List<ChannelRef> channels = new ArrayList<>();
            io.vertx.core.json.JsonArray chs = array(r.getValue("channels"));
            for (int i = 0; i < chs.size(); i++) {
                JsonObject c = chs.getJsonObject(i);
                channels.add(new ChannelRef(c.getString("id"), c.getString("name")));
            }
            Map<String, Integer> skills = new LinkedHashMap<>();
            Object rawSkills = r.getValue("skills");
            JsonObject s = rawSkills instanceof JsonObject o ? o : new JsonObject(String.valueOf(rawSkills));
            s.forEach(e -> skills.put(e.getKey(), ((Number) e.getValue()).intValue()));
            out.add(new Listed(r.getUUID("id").toString(), r.getString("email"), r.getString("name"),
                    List.of(r.getArrayOfStrings("roles")), groups, channels, r.getInteger("max_concurrent"), skills,
                    r.getString("added_via"), r.getString("status")));
        }
        return out;
    }
}
