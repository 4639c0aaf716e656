package io.switchboard.admin;

import io.switchboard.routing.ConditionSpec;
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
        List<ConditionSpec> stored = r.spec.conditions == null ? List.of() : r.spec.conditions;
        for (int i = 0; i < stored.size(); i++) {
            String field = "conditions[" + i + "]";
            try {
                conditions.add(stored.get(i).toCondition());
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
}
