package io.switchboard.routing;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One tenant's routing configuration, decoded once into values (DESIGN rule 4): its rules in
 * the order they are tried, every group's working hours, and the tenant's own out-of-hours
 * notice. Immutable, so one instance serves every conversation of the tenant on every thread
 * until the configuration changes; then a new one is built.
 *
 * @param rules                the rules, enabled or not, by position then id
 * @param hoursByGroup         working hours of every group of the tenant
 * @param tenantOutOfHoursText the tenant's notice for rules without one; null for the built-in one
 */
public final class RoutingSetup {

    /** What a visitor reads out of hours when neither the rule nor the tenant says anything. */
    public static final String DEFAULT_OUT_OF_HOURS = "We are away right now. Leave a message and we will answer as soon as we are back.";

    private static final Comparator<RoutingRule> BY_POSITION = Comparator.comparingInt(RoutingRule::position)
            .thenComparing(RoutingRule::id);

    private final List<RoutingRule> rules;
    private final Map<String, RoutingRule> rulesById;
    private final Map<String, WorkingHours> hoursByGroup;
    private final String tenantOutOfHoursText;
    /** Built once: it sorts the enabled rules and copies the hours. */
    private final RoutingEngine engine;

    public RoutingSetup(List<RoutingRule> rules, Map<String, WorkingHours> hoursByGroup, String tenantOutOfHoursText) {
        this.rules = rules.stream().sorted(BY_POSITION).toList();
        this.rulesById = this.rules.stream().collect(Collectors.toUnmodifiableMap(RoutingRule::id, r -> r));
        this.hoursByGroup = Map.copyOf(hoursByGroup);
        this.tenantOutOfHoursText = tenantOutOfHoursText;
        this.engine = new RoutingEngine(this.rules, this.hoursByGroup);
    }

    public List<RoutingRule> rules() {
        return rules;
    }

    public Map<String, WorkingHours> hoursByGroup() {
        return hoursByGroup;
    }

    public String tenantOutOfHoursText() {
        return tenantOutOfHoursText;
    }

    /**
     * Whether the rules decide at all: disabled rules match nothing, so a tenant whose rules
     * are all disabled routes like one that never had any.
     */
    public boolean routesByRule() {
        return rules.stream().anyMatch(RoutingRule::enabled);
    }

    /** Which rule applies to the conversation and which of its groups are open at {@code now}. */
    public RoutingPlan plan(ConversationFacts facts, Instant now) {
        return engine.plan(facts, now);
    }

    /** What the visitor reads when the rule's groups are closed or nobody in them is online. */
    public String outOfHoursText(RoutingRule rule) {
        if (rule != null && rule.target().outOfHoursText() != null) {
            return rule.target().outOfHoursText();
        }
        return tenantOutOfHoursText != null ? tenantOutOfHoursText : DEFAULT_OUT_OF_HOURS;
    }

    /**
     * The rule of that id, enabled or not: a conversation it placed before it was disabled is
     * still served by its strategy. Empty for a rule deleted since.
     */
    public Optional<RoutingRule> rule(String id) {
        return Optional.ofNullable(rulesById.get(id));
    }

    /** The group's working hours; null for a group this setup does not know. */
    public WorkingHours hoursOf(String groupId) {
        return hoursByGroup.get(groupId);
    }
}
