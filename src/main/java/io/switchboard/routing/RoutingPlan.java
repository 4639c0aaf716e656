package io.switchboard.routing;

import java.util.List;
import java.util.Optional;

/**
 * The first half of routing, decided from configuration alone: which rule applies and which
 * of its groups serve now. It tells the services what live figures to fetch for the second
 * half: the members of {@link #groupsToLoad} and the round-robin position under
 * {@link #cursorKey}, so nothing is read from Redis for groups that cannot serve.
 *
 * @param rule   the matching rule, null when none matched
 * @param groups the rule's groups sorted by hours, null when no rule matched
 */
public record RoutingPlan(RoutingRule rule, GroupSelection groups) {

    static RoutingPlan unmatched() {
        return new RoutingPlan(null, null);
    }

    public boolean matched() {
        return rule != null;
    }

    /** A rule matched and at least one of its groups is open. */
    public boolean servable() {
        return matched() && groups.anyOpen();
    }

    /** The open groups whose members are the candidates, in the rule's order; empty when not servable. */
    public List<String> groupsToLoad() {
        return servable() ? groups.open() : List.of();
    }

    /** The rule's id: round robin rotates per rule, so its position is stored under this key. */
    public Optional<String> cursorKey() {
        return matched() ? Optional.of(rule.id()) : Optional.empty();
    }
}
