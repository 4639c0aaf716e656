package io.switchboard.admin;

import io.switchboard.common.FieldErrors;
import io.switchboard.routing.Condition;
import io.switchboard.routing.RoutingRule;
import io.switchboard.routing.RoutingTarget;
import io.switchboard.routing.TextMatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Compiles a stored rule into the pure {@link RoutingRule} the engine evaluates. Saving runs
 * the same compilation, so a rule that would not compile is refused with field errors and
 * never reaches routing.
 */
public final class RuleCompiler {

    private RuleCompiler() {}

    /** The compiled rule, or null with the reasons added to {@code errors}. */
    public static RoutingRule compile(StoredRule r, FieldErrors errors) {
        List<Condition> conditions = new ArrayList<>();
        List<RuleCondition> stored = r.spec.conditions == null ? List.of() : r.spec.conditions;
        for (int i = 0; i < stored.size(); i++) {
            String field = "conditions[" + i + "]";
            try {
                conditions.add(condition(stored.get(i)));
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add(field, e.getMessage() == null ? "incomplete condition" : e.getMessage());
            }
        }
        RoutingTarget target = null;
        try {
            target = new RoutingTarget(r.spec.groupIds, r.strategy, r.fallbackStrategy, r.preferLastAgent,
                    r.outOfHoursText, r.spec.requiredSkills == null ? null : new HashSet<>(r.spec.requiredSkills));
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            errors.add(msg.contains("group") ? "groupIds" : msg.contains("fallback") ? "fallbackStrategy" : "strategy", msg);
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new RoutingRule(r.id.toString(), r.position, r.enabled, conditions, target);
    }

    static Condition condition(RuleCondition c) {
        if (c == null || c.type() == null) {
            throw new IllegalArgumentException("type is required: channel, pageUrl, source, tier or attribute");
        }
        String[] values = c.values() == null ? new String[0] : c.values().toArray(String[]::new);
        return switch (c.type()) {
            case "channel" -> new Condition.ChannelIn(java.util.Set.of(values));
            case "source" -> new Condition.SourceContains(List.of(values));
            case "tier" -> new Condition.TierIn(java.util.Set.of(values));
            case "attribute" -> new Condition.AttributeIn(c.name(), java.util.Set.of(values));
            case "pageUrl" -> {
                TextMatch.Mode mode;
                try {
                    mode = TextMatch.Mode.valueOf((c.match() == null ? "contains" : c.match()).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("match must be contains, prefix or regex");
                }
                yield Condition.pageUrl(TextMatch.of(mode, c.pattern()));
            }
            default -> throw new IllegalArgumentException("unknown type '" + c.type()
                    + "': channel, pageUrl, source, tier or attribute");
        };
    }
}
