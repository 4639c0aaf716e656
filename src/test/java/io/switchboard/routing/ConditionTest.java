package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConditionTest {

    private final ConversationFacts web = ConversationFacts.onChannel("web-1");

    @Test
    void channelConditionHoldsForListedChannelsOnly() {
        Condition c = Condition.channelIn("web-1", "wechat-2");
        assertThat(c.test(web)).isTrue();
        assertThat(c.test(ConversationFacts.onChannel("api-1"))).isFalse();
    }

    @Test
    void pageUrlConditionUsesItsTextMatch() {
        Condition c = Condition.pageUrl(TextMatch.prefix("https://shop.example.com/vip"));
        assertThat(c.test(web.withPageUrl("https://shop.example.com/vip/orders"))).isTrue();
        assertThat(c.test(web.withPageUrl("https://shop.example.com/"))).isFalse();
        assertThat(c.test(web)).as("unknown page").isFalse();
    }

    @Test
    void sourceConditionLooksAtTheReferrerAndTheSearchKeywordIgnoringCase() {
        Condition c = Condition.sourceContains("refund", "退款");
        assertThat(c.test(web.withReferrer("https://www.google.com/search?q=Refund+policy"))).isTrue();
        assertThat(c.test(web.withSearchKeyword("如何退款"))).isTrue();
        assertThat(c.test(web.withReferrer("https://news.example.com").withSearchKeyword("pricing"))).isFalse();
        assertThat(c.test(web)).isFalse();
    }

    @Test
    void tierConditionNeedsAnIdentifiedCustomerInOneOfTheTiers() {
        Condition c = Condition.tierIn("vip", "gold");
        assertThat(c.test(web.withCustomerTier("gold"))).isTrue();
        assertThat(c.test(web.withCustomerTier("basic"))).isFalse();
        assertThat(c.test(web)).as("anonymous visitor").isFalse();
    }

    @Test
    void attributeConditionComparesExactValues() {
        Condition equals = Condition.attributeEquals("language", "en");
        Condition in = Condition.attributeIn("plan", "pro", "team");
        ConversationFacts facts = web.withAttributes(Map.of("language", "en", "plan", "team"));
        assertThat(equals.test(facts)).isTrue();
        assertThat(in.test(facts)).isTrue();
        assertThat(equals.test(web.withAttributes(Map.of("language", "EN")))).isFalse();
        assertThat(in.test(web)).as("missing attribute").isFalse();
    }

    @Test
    void conditionsThatCouldNeverHoldAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Condition.ChannelIn(Set.of()));
        assertThatIllegalArgumentException().isThrownBy(() -> new Condition.TierIn(null));
        assertThatIllegalArgumentException().isThrownBy(() -> new Condition.SourceContains(List.of()));
        assertThatIllegalArgumentException().isThrownBy(() -> Condition.sourceContains(" "));
        assertThatIllegalArgumentException().isThrownBy(() -> new Condition.AttributeIn("plan", Set.of()));
        assertThatIllegalArgumentException().isThrownBy(() -> Condition.attributeEquals(" ", "x"));
    }
}
