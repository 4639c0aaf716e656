package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.EventLog;
import io.switchboard.routing.AgentStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for agents' persistent state: status, limit, groups. PostgreSQL is its truth. */
@ApplicationScoped
public class AgentStore {

    public record AgentRow(String id, String tenantId, String name, AgentStatus status, int maxConcurrent) {}

    private final Pool pool;
    private final EventLog log;

    AgentStore(Pool pool, EventLog log) {
        this.pool = pool;
        this.log = log;
    }

    public Uni<Optional<AgentRow>> find(String tenantId, String agentId) {
        return find(pool, tenantId, agentId);
    }

    public Uni<Optional<AgentRow>> find(SqlClient client, String tenantId, String agentId) {
        return client.preparedQuery("""
                        select a.user_id, a.tenant_id, u.name, a.status, a.max_concurrent
                        from agents a join staff_users u on u.id = a.user_id
                        where a.user_id = $1 and a.tenant_id = $2 and a.removed_at is null""")
                .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId)))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(row(it.next())) : Optional.empty();
                });
    }

    /** Every agent of the tenant with their stored state: the candidates for a conversation without a group. */
    public Uni<List<AgentRow>> allOfTenant(SqlClient client, String tenantId) {
        return client.preparedQuery("""
                        select a.user_id, a.tenant_id, u.name, a.status, a.max_concurrent
                        from agents a join staff_users u on u.id = a.user_id where a.tenant_id = $1 and a.removed_at is null""")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .map(rows -> {
                    List<AgentRow> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(row(r));
                    }
                    return out;
                });
    }

    /**
     * The candidates for one conversation (B1, B2): members of the given groups, in the
     * groups' order (an agent in two groups counts once, at the first), then by id so the
     * order is stable for round robin; without those who serve only other channels.
     *
     * @param channelId the conversation's channel; null leaves nobody out for their channels
     */
    public Uni<List<AgentRow>> candidates(SqlClient client, String tenantId, List<String> groupIds, String channelId) {
        if (groupIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return client.preparedQuery("""
                        select user_id, tenant_id, name, status, max_concurrent from (
                          select distinct on (a.user_id) a.user_id, a.tenant_id, u.name, a.status, a.max_concurrent, g.ord
                          from unnest($2::uuid[]) with ordinality as g(id, ord)
                          join group_members gm on gm.group_id = g.id and gm.tenant_id = $1
                          join agents a on a.user_id = gm.agent_id and a.removed_at is null
                          join staff_users u on u.id = a.user_id
                          where $3::uuid is null
                             or not exists (select 1 from agent_channels ac where ac.agent_id = a.user_id)
                             or exists (select 1 from agent_channels ac where ac.agent_id = a.user_id and ac.channel_id = $3)
                          order by a.user_id, g.ord
                        ) pool order by ord, user_id""")
                .execute(Tuple.of(UUID.fromString(tenantId), groupIds.stream().map(UUID::fromString).toArray(UUID[]::new),
                        channelId == null ? null : UUID.fromString(channelId)))
                .map(rows -> {
                    List<AgentRow> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(row(r));
                    }
                    return out;
                });
    }

    /**
     * Queues an agent's freed capacity may serve: their own groups', and those of groups an
     * enabled routing rule pools with theirs (a rule's open groups form one candidate pool).
     */
    public Uni<List<String>> servedQueues(String tenantId, String agentId) {
        return pool.preparedQuery("""
                        with mine as (select group_id::text as g from group_members where agent_id = $1 and tenant_id = $2)
                        select g from mine
                        union
                        select jsonb_array_elements_text(r.spec->'groupIds') from routing_rules r
                        where r.tenant_id = $2 and r.enabled
                          and exists (select 1 from mine, jsonb_array_elements_text(r.spec->'groupIds') x(id) where x.id = mine.g)""")
                .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId)))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString("g")));
                    return out;
                });
    }

    /** Open conversations assigned to the agent: the truth behind the live load counter. */
    public Uni<Integer> openLoad(SqlClient client, String tenantId, String agentId) {
        return client.preparedQuery("select count(*) as n from conversations where assignee_id = $1 and tenant_id = $2 and state = 'open'")
                .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId)))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    /** Sets the agent's status and records {@link DomainEvent.AgentStatusChanged} with it, in one transaction. */
    public Uni<Optional<Changed>> setStatus(String tenantId, String agentId, AgentStatus status) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        update agents set status = $3, status_changed_at = now() where user_id = $1 and tenant_id = $2""")
                .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId), status.wire()))
                .flatMap(r -> r.rowCount() == 0 ? Uni.createFrom().item(0L)
                        : log.append(conn, new DomainEvent.AgentStatusChanged(tenantId, agentId, status.wire())))
                .flatMap(id -> find(conn, tenantId, agentId).map(row -> row.map(a -> new Changed(a, id)))));
    }

    /** An agent row as a change left it, with the id of the event that recorded the change. */
    public record Changed(AgentRow row, long eventId) {}

    /** Sets the agent's own limit and records {@link DomainEvent.AgentLimitChanged} with it, in one transaction. */
    public Uni<Optional<Changed>> setMax(String tenantId, String agentId, int max) {
        return pool.withTransaction(conn -> conn.preparedQuery("update agents set max_concurrent = $3 where user_id = $1 and tenant_id = $2")
                .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId), max))
                .flatMap(r -> r.rowCount() == 0 ? Uni.createFrom().item(0L)
                        : log.append(conn, new DomainEvent.AgentLimitChanged(tenantId, agentId, max)))
                .flatMap(id -> find(conn, tenantId, agentId).map(row -> row.map(a -> new Changed(a, id)))));
    }

    public Pool pool() {
        return pool;
    }

    private static AgentRow row(Row r) {
        return new AgentRow(r.getUUID("user_id").toString(), r.getUUID("tenant_id").toString(), r.getString("name"),
                AgentStatus.parse(r.getString("status")).orElse(AgentStatus.OFFLINE), r.getInteger("max_concurrent"));
    }
}
