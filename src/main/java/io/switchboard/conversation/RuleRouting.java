package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Committed;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.ConversationFacts;
import io.switchboard.routing.RoutingPlan;
import io.switchboard.routing.RoutingRule;
import io.switchboard.routing.RoutingSetup;
import io.switchboard.routing.WorkingHours;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.routing.setup.RoutingSetups;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sends a new conversation where the tenant's routing rules say (A6, B5): the first rule
 * whose conditions hold picks the groups, the first open one takes the conversation into
 * its queue, and the dispatcher serves it from there with the atomic claim. A conversation
 * no rule matches waits, held, for an admin or supervisor, who hear about it at once; one
 * arriving when every group is closed, or nobody in them is online, gets the out-of-hours
 * notice and is kept as an offline message for {@link #OFFLINE_KEEP}.
 *
 * <p>A tenant without rules keeps the simple behaviour: the channel's group.
 *
 * <p>The rules, the groups' hours and the tenant's notice come decoded from
 * {@link RoutingSetups}, kept in memory and forgotten on every replica when an admin changes
 * them; routing a conversation reads only the visitor's facts and who is online. The
 * dispatcher picks by the rule from the same setup.
 */
@ApplicationScoped
public class RuleRouting {

    private static final Logger LOG = Logger.getLogger(RuleRouting.class);
    /** B5: how long an offline message waits for an agent before it expires. */
    public static final Duration OFFLINE_KEEP = Duration.ofDays(7);
    static final String DEFAULT_OUT_OF_HOURS = RoutingSetup.DEFAULT_OUT_OF_HOURS;

    private final Pool pool;
    private final ConversationStore store;
    private final QueueDispatcher dispatcher;
    private final AgentStore agents;
    private final LiveAgents live;
    private final FanOut fanOut;
    private final RoutingSetups setups;

    RuleRouting(Pool pool, ConversationStore store, QueueDispatcher dispatcher, AgentStore agents, LiveAgents live,
                FanOut fanOut, RoutingSetups setups) {
        this.setups = setups;
        this.pool = pool;
        this.store = store;
        this.dispatcher = dispatcher;
        this.agents = agents;
        this.live = live;
        this.fanOut = fanOut;
    }

    /** Routes a conversation that was just created; never fails (it stays queued at worst). */
    public Uni<Void> routeNew(ConversationRow c) {
        return setups.of(c.tenantId()).flatMap(setup -> {
            if (!setup.routesByRule()) {
                // As for a tenant that never had rules, the channel's group serves it: disabled
                // rules match nothing, and a conversation held for routing when its tenant's last
                // rule was deleted or disabled is let go now rather than at the sweep.
                return releaseRoutingHold(c).flatMap(v -> dispatcher.dispatch(c.tenantId(), c.groupId()));
            }
            return facts(c).flatMap(facts -> {
                RoutingPlan plan = setup.plan(facts, Instant.now());
                if (!plan.matched()) {
                    return unmatched(c);
                }
                RoutingRule rule = plan.rule();
                String text = setup.outOfHoursText(rule);
                if (!plan.servable()) {
                    String group = rule.target().groupIds().get(0);
                    JsonObject why = why(rule, plan).put("reason", "closed");
                    plan.groups().nextOpening().ifPresent(t -> why.put("nextOpening", t.toString()));
                    return offline(c, rule, group, "offline", why, text);
                }
                return firstWithSomeoneOnline(c.tenantId(), c.channelId(), plan.groups().open()).flatMap(group -> {
                    if (group == null) {
                        JsonObject why = why(rule, plan).put("reason", "nobody_online");
                        // Not held: the first agent of the group to come online serves it (B5).
                        return offline(c, rule, plan.groups().open().get(0), null, why, text);
                    }
                    return routed(c, rule, group, why(rule, plan).put("group", group))
                            .flatMap(v -> dispatcher.dispatch(c.tenantId(), group));
                });
            });
        }).onFailure().invoke(e -> LOG.warnf(e, "routing of conversation %s failed; it stays queued", c.id()))
                .onFailure().recoverWithNull();
    }

    /**
     * Matches a conversation no rule has placed yet: held for routing, or (when the tenant's
     * first rule came after the conversation started) neither held nor given a rule. Each
     * placement below updates only such a row, so when two routings of one conversation race
     * (the sweep on two replicas, or the sweep and a slow starting replica) the first one
     * wins and the others change nothing, write no second event and send no second notice.
     */
    static final String NOT_YET_PLACED = "(hold = 'routing' or (hold is null and routing_rule_id is null))";

    /** How long a new conversation may wait for its rule before the queue sweep routes it again. */
    static final int ROUTING_STUCK_SECONDS = 10;

    /**
     * Routes again the conversations still held for routing long after they started: the
     * replica that started them stopped before its rule placed them (see
     * {@link ConversationStore#ROUTING_HOLD}). When the tenant has no rules any more, the hold
     * is simply lifted and the group's queue serves them.
     */
    public Uni<Void> routeStuck() {
        return pool.preparedQuery("""
                        select tenant_id, id from conversations
                        where hold = 'routing' and state = 'queued' and created_at < now() - make_interval(secs => $1)
                        order by created_at limit 100""")
                .execute(Tuple.of(ROUTING_STUCK_SECONDS))
                .flatMap(rows -> {
                    List<Uni<Void>> runs = new ArrayList<>();
                    for (Row r : rows) {
                        String tenantId = r.getUUID("tenant_id").toString();
                        String id = r.getUUID("id").toString();
                        LOG.infof("conversation %s waited %d s for routing; routing it again", id, ROUTING_STUCK_SECONDS);
                        runs.add(store.find(tenantId, id)
                                .flatMap(row -> row.map(this::routeNew).orElseGet(() -> Uni.createFrom().voidItem())));
                    }
                    return runs.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(runs).andCollectFailures().replaceWithVoid();
                })
                .onFailure().invoke(e -> LOG.warnf(e, "routing stuck conversations failed"))
                .onFailure().recoverWithNull();
    }

    /** Lifts a routing hold once the tenant has no enabled rule (checked again in the statement). */
    private Uni<Void> releaseRoutingHold(ConversationRow c) {
        if (!ConversationStore.ROUTING.equals(c.hold())) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                        update conversations c set hold = null
                        where id = $1 and hold = 'routing'
                          and not exists (select 1 from routing_rules r where r.tenant_id = c.tenant_id and r.enabled)""")
                .execute(Tuple.of(UUID.fromString(c.id())))
                .replaceWithVoid();
    }

    private Uni<Void> routed(ConversationRow c, RoutingRule rule, String group, JsonObject why) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        update conversations set group_id = $3, routing_rule_id = $4, hold = null
                        where id = $1 and tenant_id = $2 and state = 'queued' and """ + NOT_YET_PLACED)
                .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(c.tenantId()), UUID.fromString(group),
                        UUID.fromString(rule.id())))
                .flatMap(r -> r.rowCount() == 0 ? Uni.createFrom().voidItem()
                        : store.log().append(conn, new DomainEvent.Routed(c.tenantId(), c.id(), group, why)).replaceWithVoid()));
    }

    private Uni<Void> offline(ConversationRow c, RoutingRule rule, String group, String hold, JsonObject why, String text) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                update conversations set group_id = $3, routing_rule_id = $4, hold = $5,
                                       offline_until = now() + make_interval(days => $6)
                                where id = $1 and tenant_id = $2 and state = 'queued' and """ + NOT_YET_PLACED)
                        .execute(Tuple.tuple(java.util.Arrays.asList(UUID.fromString(c.id()), UUID.fromString(c.tenantId()),
                                UUID.fromString(group), UUID.fromString(rule.id()), hold, (int) OFFLINE_KEEP.toDays())))
                        .flatMap(r -> r.rowCount() == 0 ? Uni.createFrom().item(0L)
                                : store.log().append(conn, new DomainEvent.OutOfHours(c.tenantId(), c.id(), group, why, null))))
                .flatMap(id -> id == 0 ? Uni.createFrom().voidItem()
                        : fanOut.publish(Committed.of(id, new DomainEvent.OutOfHours(c.tenantId(), c.id(), group, why, text),
                                Facts.visitor(c.visitorId()))));
    }

    private Uni<Void> unmatched(ConversationRow c) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                update conversations set group_id = null, hold = 'unmatched'
                                where id = $1 and tenant_id = $2 and state = 'queued' and """ + NOT_YET_PLACED)
                        .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(c.tenantId())))
                        .flatMap(r -> r.rowCount() == 0 ? Uni.createFrom().item(0L)
                                : store.log().append(conn, new DomainEvent.Unmatched(c.tenantId(), c.id()))))
                // The tenant's admins and supervisors hear of it at once (the fan-out knows who they are).
                .flatMap(id -> id == 0 ? Uni.createFrom().voidItem()
                        : fanOut.publish(Committed.of(id, new DomainEvent.Unmatched(c.tenantId(), c.id()), Facts.NONE)));
    }

    /** The first of the open groups with a member online who serves the channel, or null when nobody is. */
    private Uni<String> firstWithSomeoneOnline(String tenantId, String channelId, List<String> open) {
        if (open.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        String group = open.get(0);
        return agents.candidates(pool, tenantId, List.of(group), channelId)
                .flatMap(members -> live.snapshot(tenantId, members.stream().map(AgentStore.AgentRow::id).toList())
                        .map(states -> {
                            for (int i = 0; i < members.size(); i++) {
                                LiveAgents.LiveState s = states.get(i);
                                // Without a live hash, PostgreSQL's status stands in until the hash is seeded.
                                AgentStatus status = s.present() ? s.status() : members.get(i).status();
                                if (status == AgentStatus.ONLINE) {
                                    return true;
                                }
                            }
                            return false;
                        }))
                .flatMap(anyone -> anyone ? Uni.createFrom().item(group) : firstWithSomeoneOnline(tenantId, channelId, open.subList(1, open.size())));
    }

    private static JsonObject why(RoutingRule rule, RoutingPlan plan) {
        return new JsonObject().put("rule", rule.id()).put("strategy", rule.target().strategy())
                .put("openGroups", new JsonArray(plan.groups().open()))
                .put("closedGroups", new JsonArray(plan.groups().closed()));
    }

    // ---------------------------------------------------------------- reading configuration

    /** Working hours of every group of the tenant, from its kept routing setup. */
    public Uni<Map<String, WorkingHours>> hours(String tenantId) {
        return setups.of(tenantId).map(RoutingSetup::hoursByGroup);
    }

    /**
     * The facts rules look at: channel, the visitor's page, referrer, search keyword, the
     * customer's tier and attributes from the customer record (what the tenant's backend set),
     * and the page's claims from the visitor row, kept apart so that no claim passes for the CRM.
     */
    private Uni<ConversationFacts> facts(ConversationRow c) {
        return pool.preparedQuery("""
                        select v.claims, cu.attributes as customer_attributes
                        from visitors v left join customers cu on cu.id = v.customer_id where v.id = $1""")
                .execute(Tuple.of(UUID.fromString(c.visitorId())))
                .map(rows -> {
                    ConversationFacts facts = ConversationFacts.onChannel(c.channelId());
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return facts;
                    }
                    Row r = it.next();
                    JsonObject customer = r.getValue("customer_attributes") == null ? new JsonObject() : json(r.getValue("customer_attributes"));
                    JsonObject claims = json(r.getValue("claims"));
                    facts = facts.withAttributes(plain(customer)).withClaims(plain(claims));
                    // Only the CRM sets a customer's tier; a page's attributes cannot claim one.
                    Object tier = customer.getValue("tier");
                    return facts.withCustomerTier(tier instanceof String || tier instanceof Number ? String.valueOf(tier) : null)
                            // Where the visitor is and came from: only the page can tell.
                            .withPageUrl(text(claims, "pageUrl"))
                            .withReferrer(text(claims, "referrer"))
                            .withSearchKeyword(text(claims, "searchKeyword"));
                });
    }

    /** A JSON object as plain Java values (lists for arrays), what {@link ConversationFacts#values} reads. */
    private static Map<String, Object> plain(JsonObject o) {
        Map<String, Object> out = new HashMap<>();
        o.forEach(e -> out.put(e.getKey(), e.getValue() instanceof JsonArray a ? a.getList() : e.getValue()));
        return out;
    }

    private static String text(JsonObject o, String name) {
        Object v = o.getValue(name);
        return v == null || v instanceof JsonObject || v instanceof JsonArray ? null : String.valueOf(v);
    }

    private static JsonObject json(Object value) {
        return value instanceof JsonObject o ? o : new JsonObject(String.valueOf(value));
    }

}
