package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** A page's claims and the customer record are two sides a rule names apart (A6). */
class ClaimedAttributeConditionTest {

    private final ConversationFacts web = ConversationFacts.onChannel("web-1");

    private static Condition attribute(String name, String... values) {
        return new ConditionSpec("attribute", List.of(values), null, null, name).toCondition();
    }

    @Test
    void aPageClaimingVipReachesNoRuleOnTheCustomerSide() {
        ConversationFacts claimsOnly = web.withClaims(Map.of("tags", List.of("vip"), "vip", true, "tier", "vip"));
        assertThat(attribute("customer.tags", "vip").test(claimsOnly)).isFalse();
        assertThat(attribute("tags", "vip").test(claimsOnly)).as("a bare name is the customer side").isFalse();
        assertThat(attribute("vip", "true").test(claimsOnly)).isFalse();
        assertThat(attribute("customer.tier", "vip").test(claimsOnly)).isFalse();
        assertThat(new ConditionSpec("tier", List.of("vip"), null, null, null).toCondition().test(claimsOnly)).isFalse();
    }

    @Test
    void whatTheCustomerRecordSaysReachesTheCustomerSideOnly() {
        ConversationFacts crm = web.withAttributes(Map.of("tags", List.of("beta", "vip"), "vip", true));
        assertThat(attribute("customer.tags", "vip").test(crm)).isTrue();
        assertThat(attribute("tags", "vip").test(crm)).isTrue();
        assertThat(attribute("vip", "true").test(crm)).isTrue();
        assertThat(attribute("claimed.tags", "vip").test(crm)).as("the record is no claim").isFalse();
    }

    @Test
    void aRuleOnAClaimedAttributeTestsTheClaim() {
        Condition onClaim = attribute("claimed.plan", "enterprise");
        assertThat(onClaim.test(web.withClaims(Map.of("plan", "enterprise")))).isTrue();
        assertThat(onClaim.test(web.withClaims(Map.of("plan", "free")))).isFalse();
        assertThat(onClaim.test(web.withAttributes(Map.of("plan", "enterprise")))).isFalse();
    }

    @Test
    void anAttributeWithSeveralValuesHoldsWhenAnyIsListed() {
        ConversationFacts crm = web.withAttributes(Map.of("tags", List.of("beta", "vip")));
        assertThat(attribute("tags", "vip", "gold").test(crm)).isTrue();
        assertThat(attribute("tags", "gold").test(crm)).isFalse();
    }

    @Test
    void theSideIsReadFromTheNameAndABareNameIsTheCustomer() {
        assertThat((Condition.AttributeIn) attribute("claimed.plan", "x"))
                .isEqualTo(new Condition.AttributeIn(Condition.Side.CLAIMED, "plan", Set.of("x")));
        assertThat((Condition.AttributeIn) attribute("customer.plan", "x"))
                .isEqualTo(new Condition.AttributeIn(Condition.Side.CUSTOMER, "plan", Set.of("x")));
        assertThat((Condition.AttributeIn) attribute("plan", "x"))
                .isEqualTo(new Condition.AttributeIn(Condition.Side.CUSTOMER, "plan", Set.of("x")));
        assertThatIllegalArgumentException().isThrownBy(() -> attribute("claimed.", "x"));
        assertThatIllegalArgumentException().isThrownBy(() -> attribute("customer.", "x"));
    }

    @Test
    void decodedValuesBecomeTextAndOnlyPlainOnesCount() {
        Map<String, Object> decoded = new HashMap<>();
        decoded.put("vip", true);
        decoded.put("seats", 12);
        decoded.put("tags", Arrays.asList("a", null, 3, Map.of("x", 1), List.of("nested")));
        decoded.put("nothing", null);
        decoded.put("object", Map.of("k", "v"));
        decoded.put("empty", List.of());
        assertThat(ConversationFacts.values(decoded)).isEqualTo(Map.of(
                "vip", Set.of("true"), "seats", Set.of("12"), "tags", Set.of("a", "3")));
    }
}
