package io.switchboard.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a matching rule sends a conversation (A6): the groups whose members may serve it, in
 * order, and how to pick among them. The order of the groups is the order of the round-robin
 * rotation; all open groups form one pool, as the product documents describe round robin
 * "among all agents of the selected groups".
 *
 * @param groupIds         the groups, in order; at least one, no repeats
 * @param strategy         a name from {@link StrategyRegistry#NAMES}
 * @param fallbackStrategy the plain strategy a preferring one falls back to; null for the default
 * @param preferLastAgent  a returning customer goes to their previous agent first when eligible
 * @param outOfHoursText   what the visitor reads when every group is closed or nobody is online;
 *                         null for the tenant's default notice
 * @param requiredSkills   skills conversations matching this rule call for, for skill weighting
 */
public record RoutingTarget(List<String> groupIds, String strategy, String fallbackStrategy, boolean preferLastAgent,
                            String outOfHoursText, Set<String> requiredSkills) {

    public RoutingTarget {
        if (groupIds == null || groupIds.isEmpty()) {
            throw new IllegalArgumentException("a rule must name at least one group");
        }
        groupIds = List.copyOf(groupIds);
        if (new HashSet<>(groupIds).size() != groupIds.size()) {
            throw new IllegalArgumentException("a rule names each group once");
        }
        if (!StrategyRegistry.isKnown(strategy)) {
            throw new IllegalArgumentException("unknown strategy '" + strategy + "'; known: "
                    + String.join(", ", StrategyRegistry.NAMES));
        }
        if (fallbackStrategy != null && !StrategyRegistry.isFallback(fallbackStrategy)) {
            throw new IllegalArgumentException("'" + fallbackStrategy + "' cannot be a fallback");
        }
        requiredSkills = requiredSkills == null ? Set.of() : Set.copyOf(requiredSkills);
    }

    /** Groups and a strategy, nothing else switched on. */
    public static RoutingTarget of(String strategy, String... groupIds) {
        return new RoutingTarget(List.of(groupIds), strategy, null, false, null, Set.of());
    }

    public RoutingTarget preferringLastAgent() {
        return new RoutingTarget(groupIds, strategy, fallbackStrategy, true, outOfHoursText, requiredSkills);
    }

    public RoutingTarget withFallback(String name) {
        return new RoutingTarget(groupIds, strategy, name, preferLastAgent, outOfHoursText, requiredSkills);
    }

    public RoutingTarget withOutOfHoursText(String text) {
        return new RoutingTarget(groupIds, strategy, fallbackStrategy, preferLastAgent, text, requiredSkills);
    }

    public RoutingTarget requiringSkills(String... skills) {
        return new RoutingTarget(groupIds, strategy, fallbackStrategy, preferLastAgent, outOfHoursText, Set.of(skills));
    }

    /**
     * The strategy this target asks for. With "prefer the last agent" switched on, the last
     * agent comes first and the configured strategy decides when they cannot take it.
     */
    public RoutingStrategy routingStrategy() {
        RoutingStrategy configured = StrategyRegistry.create(strategy, fallbackStrategy);
        if (!preferLastAgent || strategy.equals(PreferredAgentStrategy.LAST_AGENT)) {
            return configured;
        }
        return PreferredAgentStrategy.lastAgent(configured);
    }
}
