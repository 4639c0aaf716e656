package io.switchboard.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides where a new conversation goes, from values only (DESIGN rule 4): the tenant's rules
 * and group hours, the conversation's facts and context, and the live figures of the
 * candidates. It runs in two halves so the services read from Redis only what the decision
 * needs: {@link #plan} uses configuration alone, {@link #decide} adds the live figures of the
 * plan's open groups. {@link #route} does both at once when the figures are already at hand.
 *
 * <p>One engine holds one tenant's configuration; build a new one when the configuration
 * changes. It keeps no other state and may be shared between threads.
 */
public final class RoutingEngine {

    private final RuleMatcher rules;
    private final GroupSelector groups;

    /**
     * @param rules        the tenant's routing rules, in any order
     * @param hoursByGroup working hours of every existing group
     */
    public RoutingEngine(List<RoutingRule> rules, Map<String, WorkingHours> hoursByGroup) {
        this.rules = new RuleMatcher(rules);
        this.groups = new GroupSelector(hoursByGroup);
    }

    /** Which rule applies and which of its groups are open at {@code now}. */
    public RoutingPlan plan(ConversationFacts facts, Instant now) {
        return rules.match(facts)
                .map(rule -> new RoutingPlan(rule, groups.select(rule.target().groupIds(), now)))
                .orElseGet(RoutingPlan::unmatched);
    }

    /**
     * Completes a plan with live figures.
     *
     * @param candidatesByGroup members of each of the plan's open groups with their live figures;
     *                          a group left out counts as having no members
     * @param context           the conversation's context, with the round-robin position read
     *                          under the plan's {@linkplain RoutingPlan#cursorKey cursor key};
     *                          the rule's required skills are added to it here
     */
    public RoutingOutcome decide(RoutingPlan plan, Map<String, List<Candidate>> candidatesByGroup, RoutingContext context) {
        if (!plan.matched()) {
            return new RoutingOutcome.Unmatched();
        }
        RoutingRule rule = plan.rule();
        RoutingTarget target = rule.target();
        if (!plan.servable()) {
            return new RoutingOutcome.OutOfHours(rule, plan.groups(), target.outOfHoursText());
        }
        List<String> open = plan.groups().open();
        List<Candidate> pool = pool(open, candidatesByGroup);
        RoutingContext withSkills = context.withRequiredSkills(union(context.requiredSkills(), target.requiredSkills()));
        RoutingDecision decision = new Router(target.routingStrategy()).decide(pool, withSkills);
        if (decision.assigned()) {
            return new RoutingOutcome.Assigned(rule, open, decision);
        }
        if (pool.stream().noneMatch(c -> c.status() == AgentStatus.ONLINE)) {
            return new RoutingOutcome.NobodyOnline(rule, open, target.outOfHoursText(), decision);
        }
        return new RoutingOutcome.Queued(rule, open, decision);
    }

    /** Both halves at once; {@code candidatesByGroup} may hold more groups than the plan needs. */
    public RoutingOutcome route(ConversationFacts facts, RoutingContext context,
                                Map<String, List<Candidate>> candidatesByGroup, Instant now) {
        return decide(plan(facts, now), candidatesByGroup, context);
    }

    /**
     * The members of the open groups in the rule's group order, each agent once, at the place
     * of the first group they belong to: an agent in two groups is one candidate, not two turns
     * of the rotation.
     */
    static List<Candidate> pool(List<String> groupIds, Map<String, List<Candidate>> candidatesByGroup) {
        Map<String, Candidate> byAgent = new LinkedHashMap<>();
        for (String group : groupIds) {
            for (Candidate c : candidatesByGroup.getOrDefault(group, List.of())) {
                byAgent.putIfAbsent(c.agentId(), c);
            }
        }
        return new ArrayList<>(byAgent.values());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
