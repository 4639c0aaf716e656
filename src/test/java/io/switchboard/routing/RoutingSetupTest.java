package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.switchboard.routing.WorkingHoursTest.at;
import static io.switchboard.routing.WorkingHoursTest.weekdays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingSetupTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** Monday 22 December 2025, 10:00 in Paris. */
    private static final Instant MONDAY_MORNING = at("2025-12-22T10:00", PARIS);
    private static final Instant MONDAY_EVENING = at("2025-12-22T20:00", PARIS);

    private static final Map<String, WorkingHours> HOURS = Map.of(
            "office", WorkingHours.weekly(PARIS, weekdays("09:00-18:00"), Set.of()),
            "always", WorkingHours.alwaysOpen(PARIS));

    private static RoutingRule rule(String id, int position, boolean enabled, String outOfHours, String group, Condition... conditions) {
        return new RoutingRule(id, position, enabled, List.of(conditions),
                RoutingTarget.of("least-load", group).withOutOfHoursText(outOfHours));
    }

    @Test
    void rulesAreKeptInTheOrderTheyAreTried() {
        RoutingSetup setup = new RoutingSetup(List.of(rule("b", 2, true, null, "office"), rule("c", 1, true, null, "office"),
                rule("a", 2, true, null, "office")), HOURS, null);
        assertThat(setup.rules()).extracting(RoutingRule::id).containsExactly("c", "a", "b");
    }

    @Test
    void theFirstEnabledMatchingRuleByPositionDecides() {
        RoutingSetup setup = new RoutingSetup(List.of(
                rule("web-always", 2, true, null, "always", Condition.channelIn("web")),
                rule("web-office", 1, true, null, "office", Condition.channelIn("web")),
                rule("disabled-first", 0, false, null, "always")), HOURS, null);
        RoutingPlan plan = setup.plan(ConversationFacts.onChannel("web"), MONDAY_MORNING);
        assertThat(plan.rule().id()).isEqualTo("web-office");
        assertThat(plan.servable()).isTrue();
        assertThat(setup.plan(ConversationFacts.onChannel("web"), MONDAY_EVENING).servable()).isFalse();
    }

    @Test
    void aTenantWhoseRulesAreAllDisabledDoesNotRouteByRule() {
        assertThat(new RoutingSetup(List.of(), HOURS, null).routesByRule()).isFalse();
        assertThat(new RoutingSetup(List.of(rule("r", 1, false, null, "office")), HOURS, null).routesByRule()).isFalse();
        assertThat(new RoutingSetup(List.of(rule("r", 1, true, null, "office")), HOURS, null).routesByRule()).isTrue();
    }

    @Test
    void theOutOfHoursTextIsTheRulesThenTheTenantsThenTheBuiltInOne() {
        RoutingRule withText = rule("r1", 1, true, "Billing answers 9 to 5", "office");
        RoutingRule without = rule("r2", 2, true, null, "office");
        RoutingSetup tenantText = new RoutingSetup(List.of(withText, without), HOURS, "Back at nine");
        assertThat(tenantText.outOfHoursText(withText)).isEqualTo("Billing answers 9 to 5");
        assertThat(tenantText.outOfHoursText(without)).isEqualTo("Back at nine");
        assertThat(new RoutingSetup(List.of(without), HOURS, null).outOfHoursText(without))
                .isEqualTo(RoutingSetup.DEFAULT_OUT_OF_HOURS);
    }

    @Test
    void theDispatcherFindsARuleByIdEvenDisabledButNotADeletedOne() {
        RoutingSetup setup = new RoutingSetup(List.of(rule("on", 1, true, null, "office"), rule("off", 2, false, null, "always")),
                HOURS, null);
        assertThat(setup.rule("on")).map(RoutingRule::enabled).contains(true);
        // A conversation the rule placed before it was disabled is still served by its strategy.
        assertThat(setup.rule("off")).map(r -> r.target().groupIds()).contains(List.of("always"));
        assertThat(setup.rule("deleted")).isEmpty();
        assertThat(setup.hoursOf("gone")).isNull();
    }

    @Test
    void theSetupCannotBeChangedThroughWhatItWasBuiltFromOrWhatItGives() {
        List<RoutingRule> rules = new ArrayList<>(List.of(rule("r", 1, true, null, "office")));
        Map<String, WorkingHours> hours = new HashMap<>(HOURS);
        RoutingSetup setup = new RoutingSetup(rules, hours, null);
        rules.clear();
        hours.clear();
        assertThat(setup.rules()).hasSize(1);
        assertThat(setup.hoursOf("office")).isNotNull();
        assertThatThrownBy(() -> setup.rules().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> setup.hoursByGroup().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
