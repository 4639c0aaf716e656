package io.switchboard.conversation;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.CandidatePool;
import io.switchboard.routing.LeastLoadStrategy;
import io.switchboard.routing.PreferredAgentStrategy;
import io.switchboard.routing.RoundRobinStrategy;
import io.switchboard.routing.Router;
import io.switchboard.routing.RoutingContext;
import io.switchboard.routing.RoutingRule;
import io.switchboard.routing.RoutingSetup;
import io.switchboard.routing.RoutingTarget;
import io.switchboard.routing.FewestTodayStrategy;
import io.switchboard.routing.WorkingHours;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * @param ruleId    the rule that routed the conversation, null without one
     * @param members   the candidate pool: the queue's group and the rule's other open groups
     * @param cursorKey the Redis key of the rule's round-robin position, null when not rotating
     * @param perVisitor the pick depends on who the visitor is (last agent, owners): the plan
     *                  cannot be shared with other conversations
     */
    public record How(String ruleId, Router router, RoutingContext context, Map<String, Map<String, Integer>> skills,
                      Map<String, Integer> today, String cursorKey, List<AgentStore.AgentRow> members, boolean perVisitor) {

        /**
         * The plan for the next conversation of the same rule, group and channel after this one
         * went to {@code agentId}: the rotation moved on and the agent received one more today.
         * Only meaningful when the plan is not {@link #perVisitor}.
         */
        public How afterPick(String agentId) {
            Map<String, Integer> counts = new HashMap<>(today);
            counts.merge(agentId, 1, Integer::sum);
            RoutingContext next = cursorKey == null ? context : context.withRoundRobinCursor(agentId);
            return new How(ruleId, router, next, skills, counts, cursorKey, members, perVisitor);
        }

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

    /** The queue head being served: what its rule, pool and preferences are read from. */
    public record Head(String conversationId, String ruleId, String visitorId, String channelId, String groupId) {}

    private final ReactiveRedisDataSource redis;
    private final AgentStore agents;

    DispatchStrategies(ReactiveRedisDataSource redis, AgentStore agents) {
        this.redis = redis;
        this.agents = agents;
    }

    /**
     * Everything the pick for this head needs, read inside the dispatcher's transaction; the
     * rule and the groups' hours come from the tenant's decoded setup, fetched before it.
     */
    public Uni<How> plan(SqlClient conn, String tenantId, Head head, RoutingSetup setup) {
        RoutingRule rule = head.ruleId() == null ? null : setup.rule(head.ruleId()).orElse(null);
        if (rule == null) {
            // No rule, or its rule was deleted since it placed the conversation.
            return byLeastLoad(conn, tenantId, head);
        }
        RoutingTarget target = rule.target();
        return pool(conn, tenantId, head, target.groupIds(), setup)
                .flatMap(members -> how(conn, tenantId, head, target, members))
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf(e, "strategy of rule %s unreadable; routing by least load", head.ruleId());
                    return byLeastLoad(conn, tenantId, head);
                });
    }

    private Uni<How> byLeastLoad(SqlClient conn, String tenantId, Head head) {
        Uni<List<AgentStore.AgentRow>> members = head.groupId() == null ? agents.allOfTenant(conn, tenantId)
                : agents.candidates(conn, tenantId, List.of(head.groupId()), head.channelId());
        return members.map(m -> new How(head.ruleId(), LEAST_LOAD, RoutingContext.none(), Map.of(), Map.of(), null, m, false));
    }

    /** Members of the queue's group and of the rule's other groups open now (A4, A6). */
    private Uni<List<AgentStore.AgentRow>> pool(SqlClient conn, String tenantId, Head head, List<String> ruleGroups,
                                                RoutingSetup setup) {
        if (ruleGroups.isEmpty() || ruleGroups.equals(head.groupId() == null ? null : List.of(head.groupId()))) {
            return agents.candidates(conn, tenantId, CandidatePool.groups(head.groupId(), List.of(), Set.of()), head.channelId());
        }
        Instant now = Instant.now();
        Set<String> open = new HashSet<>();
        for (String g : ruleGroups) {
            // A group the setup does not know (no longer there) is not open.
            WorkingHours hours = setup.hoursOf(g);
            if (hours != null && hours.isOpen(now)) {
                open.add(g);
            }
        }
        return agents.candidates(conn, tenantId, CandidatePool.groups(head.groupId(), ruleGroups, open), head.channelId());
    }

    private Uni<How> how(SqlClient conn, String tenantId, Head head, RoutingTarget target, List<AgentStore.AgentRow> members) {
        Router router = new Router(target.routingStrategy());
        RoutingContext context = RoutingContext.none().withRequiredSkills(target.requiredSkills());
        String strategy = target.strategy();
        String fallback = target.fallbackStrategy();
        boolean rotating = RoundRobinStrategy.NAME.equals(strategy) || RoundRobinStrategy.NAME.equals(fallback);
        String cursorKey = rotating ? RedisKeys.roundRobin(tenantId, head.ruleId()) : null;
        List<UUID> ids = members.stream().map(m -> UUID.fromString(m.id())).toList();
        boolean lastAgent = target.preferLastAgent() || PreferredAgentStrategy.LAST_AGENT.equals(strategy);
        boolean owners = OWNER_STRATEGIES.contains(strategy);
        Uni<RoutingContext> withLast = lastAgent
                ? lastAgent(conn, tenantId, head.visitorId(), head.conversationId()).map(context::withLastAgent)
                : Uni.createFrom().item(context);
        Uni<RoutingContext> withOwners = withLast.flatMap(c -> owners ? owners(conn, head.visitorId(), c) : Uni.createFrom().item(c));
        Uni<RoutingContext> withCursor = withOwners.flatMap(c -> cursorKey == null ? Uni.createFrom().item(c)
                : redis.value(String.class).get(cursorKey).map(c::withRoundRobinCursor));
        return withCursor.flatMap(c -> skills(conn, ids).flatMap(skills ->
                (FewestTodayStrategy.NAME.equals(strategy) || FewestTodayStrategy.NAME.equals(fallback)
                        ? today(conn, tenantId, ids) : Uni.createFrom().item(Map.<String, Integer>of()))
                        .map(today -> new How(head.ruleId(), router, c, skills, today, cursorKey, members, lastAgent || owners))));
    }

    private static final Set<String> OWNER_STRATEGIES = Set.of(PreferredAgentStrategy.CUSTOMER_OWNER, PreferredAgentStrategy.CONTACT_OWNER);

    /**
     * The identified visitor's owners, kept by the tenant's CRM over the admin REST: the
     * contact's own owner, and the owner of the customer account the contact belongs to.
     */
    private static Uni<RoutingContext> owners(SqlClient conn, String visitorId, RoutingContext context) {
        return conn.preparedQuery("""
                        select cu.owner_id as contact_owner, ac.owner_id as account_owner
                        from visitors v join customers cu on cu.id = v.customer_id
                        left join customer_accounts ac on ac.id = cu.account_id
                        where v.id = $1""")
                .execute(Tuple.of(UUID.fromString(visitorId)))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return context;
                    }
                    Row r = it.next();
                    UUID contact = r.getUUID("contact_owner");
                    UUID account = r.getUUID("account_owner");
                    return context.withContactOwner(contact == null ? null : contact.toString())
                            .withCustomerOwner(account == null ? null : account.toString());
                });
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
}
