package io.switchboard.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the rule that decides where a conversation goes (A6): the first enabled rule, by
 * position, whose conditions all hold. No match means the conversation is unmatched, and the
 * services notify admins to assign it by hand rather than guessing a group.
 */
public final class RuleMatcher {

    private static final Comparator<RoutingRule> BY_POSITION = Comparator.comparingInt(RoutingRule::position)
            .thenComparing(RoutingRule::id);

    private final List<RoutingRule> rules;

    /** @param rules the tenant's rules in any order; disabled ones are kept out */
    public RuleMatcher(List<RoutingRule> rules) {
        this.rules = rules.stream().filter(RoutingRule::enabled).sorted(BY_POSITION).toList();
    }

    public Optional<RoutingRule> match(ConversationFacts facts) {
        for (RoutingRule rule : rules) {
            if (rule.matches(facts)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
