package io.switchboard.conversation;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.LeastLoadStrategy;
import io.switchboard.routing.PreferredAgentStrategy;
import io.switchboard.routing.RoundRobinStrategy;
import io.switchboard.routing.Router;
import io.switchboard.routing.RoutingContext;
import io.switchboard.routing.RoutingTarget;
import io.switchboard.routing.FewestTodayStrategy;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Gathers what the rule's strategy needs to pick an agent for one conversation (B1): the
 * strategy itself, the previous agent of a returning visitor, the rule's required skills and
 * the agents' skill levels, today's counts, the round-robin position. The strategy stays pure
 * (DESIGN rule 4); this class only reads its inputs. A conversation without a rule, or any
 * failure reading them, is routed by least load.
 */
@ApplicationScoped
public class DispatchStrategies {

    private static final Logger LOG = Logger.getLogger(DispatchStrategies.class);
    private static final Router LEAST_LOAD = new Router(new LeastLoadStrategy());

    /**
     * How to pick for one conversation.
     *
     * @param cursorKey the Redis key of the rule's round-robin position, null when not rotating
     */
    public record How(Router router, RoutingContext context, Map<String, Map<String, Integer>> skills,
                      Map<String, Integer> today, String cursorKey) {

        static final How DEFAULT = new How(LEAST_LOAD, RoutingContext.none(), Map.of(), Map.of(), null);

        List<Candidate> enrich(List<Candidate> candidates) {
            if (skills.isEmpty() && today.isEmpty()) {
                return candidates;
            }
            List<Candidate> out = new ArrayList<>(candidates.size());
            for (Candidate c : candidates) {
                out.add(c.withSkills(skills.getOrDefault(c.agentId(), Map.of())).withTodayCount(today.getOrDefault(c.agentId(), 0)));
            }
            return out;
        }
    }

    private final ReactiveRedisDataSource redis;

    DispatchStrategies(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public Uni<How> plan(SqlClient conn, String tenantId, String ruleId, String visitorId, String conversationId,
                         List<AgentStore.AgentRow> members) {
        if (ruleId == null) {
            return Uni.createFrom().item(How.DEFAULT);
        }
        return conn.preparedQuery("""
                        select strategy, fallback_strategy, prefer_last_agent, spec from routing_rules
                        where id = $1 and tenant_id = $2""")
                .execute(Tuple.of(UUID.fromString(ruleId), UUID.fromString(tenantId)))
                .flatMap(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Uni.createFrom().item(How.DEFAULT);
                    }
                    Row r = it.next();
                    JsonObject spec = r.getValue("spec") instanceof JsonObject o ? o : new JsonObject(String.valueOf(r.getValue("spec")));
                    RoutingTarget target = new RoutingTarget(strings(spec.getJsonArray("groupIds")), r.getString("strategy"),
                            r.getString("fallback_strategy"), r.getBoolean("prefer_last_agent"), null,
                            new HashSet<>(strings(spec.getJsonArray("requiredSkills", new JsonArray()))));
                    Router router = new Router(target.routingStrategy());
                    RoutingContext context = RoutingContext.none().withRequiredSkills(target.requiredSkills());
                    String strategy = target.strategy();
                    String fallback = target.fallbackStrategy();
                    boolean rotating = RoundRobinStrategy.NAME.equals(strategy) || RoundRobinStrategy.NAME.equals(fallback);
                    String cursorKey = rotating ? RedisKeys.roundRobin(tenantId, ruleId) : null;
                    List<UUID> ids = members.stream().map(m -> UUID.fromString(m.id())).toList();
                    Uni<RoutingContext> withLast = target.preferLastAgent() || PreferredAgentStrategy.LAST_AGENT.equals(strategy)
                            ? lastAgent(conn, tenantId, visitorId, conversationId).map(context::withLastAgent)
                            : Uni.createFrom().item(context);
                    Uni<RoutingContext> withCursor = withLast.flatMap(c -> cursorKey == null ? Uni.createFrom().item(c)
                            : redis.value(String.class).get(cursorKey).map(c::withRoundRobinCursor));
                    return withCursor.flatMap(c -> skills(conn, ids).flatMap(skills ->
                            (FewestTodayStrategy.NAME.equals(strategy) || FewestTodayStrategy.NAME.equals(fallback)
                                    ? today(conn, tenantId, ids) : Uni.createFrom().item(Map.<String, Integer>of()))
                                    .map(today -> new How(router, c, skills, today, cursorKey))));
                })
                .onFailure().invoke(e -> LOG.warnf(e, "strategy of rule %s unreadable; routing by least load", ruleId))
                .onFailure().recoverWithItem(How.DEFAULT);
    }

    /** After a pick: the rotation moves on from the chosen agent. */
    public Uni<Void> picked(String tenantId, How how, String agentId) {
        if (how.cursorKey() == null) {
            return Uni.createFrom().voidItem();
        }
        return redis.value(String.class).set(how.cursorKey(), agentId).onFailure().recoverWithNull().replaceWithVoid();
    }

    private static Uni<String> lastAgent(SqlClient conn, String tenantId, String visitorId, String conversationId) {
        return conn.preparedQuery("""
                        select assignee_id from conversations
                        where tenant_id = $1 and visitor_id = $2 and id <> $3 and assignee_id is not null
                        order by created_at desc limit 1""")
                .execute(Tuple.of(UUID.fromString(tenantId), UUID.fromString(visitorId), UUID.fromString(conversationId)))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getUUID("assignee_id").toString() : null);
    }

    private static Uni<Map<String, Map<String, Integer>>> skills(SqlClient conn, List<UUID> ids) {
        return conn.preparedQuery("select user_id, skills from agents where user_id = any($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<String, Map<String, Integer>> out = new HashMap<>();
                    for (Row r : rows) {
                        Object raw = r.getValue("skills");
                        JsonObject o = raw instanceof JsonObject j ? j : new JsonObject(String.valueOf(raw));
                        Map<String, Integer> levels = new HashMap<>();
                        o.forEach(e -> levels.put(e.getKey(), ((Number) e.getValue()).intValue()));
                        out.put(r.getUUID("user_id").toString(), levels);
                    }
                    return out;
                });
    }

    /** Conversations each agent received today (UTC day). */
    private static Uni<Map<String, Integer>> today(SqlClient conn, String tenantId, List<UUID> ids) {
        return conn.preparedQuery("""
                        select assignee_id, count(*) as n from conversations
                        where tenant_id = $1 and assignee_id = any($2) and assigned_at >= date_trunc('day', now())
                        group by assignee_id""")
                .execute(Tuple.of(UUID.fromString(tenantId), ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<String, Integer> out = new HashMap<>();
                    for (Row r : rows) {
                        out.put(r.getUUID("assignee_id").toString(), r.getLong("n").intValue());
                    }
                    return out;
                });
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            for (int i = 0; i < a.size(); i++) {
                out.add(String.valueOf(a.getValue(i)));
            }
        }
        return out;
    }
}
