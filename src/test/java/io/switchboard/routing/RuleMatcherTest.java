package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RuleMatcherTest {

    private static RoutingRule rule(String id, int position, Condition... conditions) {
        return new RoutingRule(id, position, true, List.of(conditions), RoutingTarget.of("least-load", "g-" + id));
    }

    private static Optional<String> match(List<RoutingRule> rules, ConversationFacts facts) {
        return new RuleMatcher(rules).match(facts).map(RoutingRule::id);
    }

    private final ConversationFacts vipOnWeb = ConversationFacts.onChannel("web").withCustomerTier("vip")
            .withPageUrl("https://shop.example.com/orders/7");

    @Test
    void theFirstMatchingRuleByPositionWinsWhateverTheListOrder() {
        var rules = List.of(rule("broad", 20, Condition.channelIn("web")), rule("vip", 10, Condition.tierIn("vip")));
        assertThat(match(rules, vipOnWeb)).contains("vip");
        assertThat(match(rules, ConversationFacts.onChannel("web"))).contains("broad");
    }

    @Test
    void everyConditionOfARuleMustHold() {
        var rules = List.of(rule("vip-orders", 1, Condition.tierIn("vip"), Condition.pageUrl(TextMatch.contains("/orders"))));
        assertThat(match(rules, vipOnWeb)).contains("vip-orders");
        assertThat(match(rules, vipOnWeb.withPageUrl("https://shop.example.com/pricing"))).isEmpty();
    }

    @Test
    void aRuleWithoutConditionsMatchesEveryConversation() {
        assertThat(match(List.of(rule("all", 99)), ConversationFacts.onChannel("api"))).contains("all");
    }

    @Test
    void aDisabledRuleNeverMatchesAndTheNextOneDecides() {
        var disabled = new RoutingRule("off", 1, false, List.of(), RoutingTarget.of("least-load", "g"));
        assertThat(match(List.of(disabled, rule("on", 2)), vipOnWeb)).contains("on");
        assertThat(disabled.matches(vipOnWeb)).isFalse();
    }

    @Test
    void noMatchingRuleLeavesTheConversationUnmatched() {
        var rules = List.of(rule("wechat", 1, Condition.channelIn("wechat")));
        assertThat(match(rules, vipOnWeb)).isEmpty();
        assertThat(match(List.of(), vipOnWeb)).isEmpty();
    }

    @Test
    void equalPositionsAreSettledByIdSoTheOutcomeIsRepeatable() {
        var rules = List.of(rule("b", 5), rule("a", 5));
        assertThat(match(rules, vipOnWeb)).contains("a");
    }

    @Test
    void attributesAndSourcesCombineWithOtherConditions() {
        var rules = List.of(rule("en-refunds", 1, Condition.attributeEquals("language", "en"),
                Condition.sourceContains("refund")));
        ConversationFacts facts = ConversationFacts.onChannel("web").withAttributes(Map.of("language", "en"))
                .withSearchKeyword("refund status");
        assertThat(match(rules, facts)).contains("en-refunds");
        assertThat(match(rules, facts.withSearchKeyword("pricing"))).isEmpty();
    }
}
