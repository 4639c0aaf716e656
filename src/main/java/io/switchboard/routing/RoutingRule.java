package io.switchboard.routing;

import java.util.List;
import java.util.Objects;

/**
 * One routing rule of a tenant (A6): when every condition holds, the conversation goes to the
 * target. Rules are tried by position, lowest first; the first match wins, so admins put the
 * narrow rules (VIP customers) above the broad ones (everyone on the web widget). A rule with
 * no conditions matches every conversation and serves as a catch-all at the bottom.
 *
 * @param position where the rule stands in the tenant's list; ties are settled by id
 * @param enabled  a disabled rule is kept but never matches
 */
public record RoutingRule(String id, int position, boolean enabled, List<Condition> conditions, RoutingTarget target) {

    public RoutingRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(target, "target");
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public boolean matches(ConversationFacts facts) {
        if (!enabled) {
            return false;
        }
        for (Condition c : conditions) {
            if (!c.test(facts)) {
                return false;
            }
        }
        return true;
    }
}
