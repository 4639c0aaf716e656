package io.switchboard.conversation;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.security.IdentityHash;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * What a web page says about its visitor is a claim (A6, A9): a rule on the customer's
 * attributes hears only the tenant's backend (its CRM over the admin REST, behind a signed
 * identity), a page's attributes never reach the customer record, and only a rule that names
 * a claimed attribute ({@code claimed.<name>}) tests what the page said.
 */
@QuarkusTest
class ClaimedAttributesRoutingTest {

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    /** A VIP team: the team's second agent alone in a new group; its id. */
    private static String vipGroup(String admin, Fixtures.Team team) {
        String group = as(admin).body(Map.of("name", "VIP " + UUID.randomUUID())).when().post("/api/v1/admin/groups")
                .then().statusCode(201).extract().path("id");
        as(admin).body(Map.of("groupIds", List.of(group))).when().put("/api/v1/admin/agents/" + team.agents().get(1).id())
                .then().statusCode(200);
        return group;
    }

    private static String rule(String admin, int position, String group, List<Map<String, Object>> conditions) {
        return as(admin).body(Map.of("name", "rule " + position, "position", position, "groupIds", List.of(group),
                        "strategy", "least-load", "conditions", conditions))
                .when().post("/api/v1/admin/rules").then().statusCode(201).extract().path("id");
    }

    private static Map<String, Object> attribute(String name, String... values) {
        return Map.of("type", "attribute", "name", name, "values", List.of(values));
    }

    private static String visitorToken(String channelKey, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/widget/" + channelKey + "/visitors").then().statusCode(200).extract().path("visitorToken");
    }

    /** Starts a conversation as the visitor and returns it once assigned. */
    private String chat(String token) {
        try (WsClient v = Chat.visitorSocket(base, token)) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            return c;
        }
    }

    private static long routedBy(String conversation, String rule, String agentId) {
        return Fixtures.count("select count(*) from conversations where id = ? and routing_rule_id = ? and assignee_id = ?",
                conversation, rule, agentId);
    }

    /** Rules on the customer's tags, a customer attribute and tier, in front of a catch-all; [vip rule ids..., catch-all]. */
    private static String[] vipRulesAndCatchAll(String admin, Fixtures.Team team, String vipGroup) {
        String onTags = rule(admin, 1, vipGroup, List.of(attribute("customer.tags", "vip")));
        // Written before claims were told apart: a bare name tests the customer record only.
        String onBareName = rule(admin, 2, vipGroup, List.of(attribute("vip", "true")));
        String onTier = rule(admin, 3, vipGroup, List.of(Map.of("type", "tier", "values", List.of("vip"))));
        String catchAll = rule(admin, 10, team.groupId(), List.of());
        return new String[] {onTags, onBareName, onTier, catchAll};
    }

    @Test
    void aPageClaimingTheVipTagDoesNotReachARuleOnTheCustomersTags() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String vip = vipGroup(admin, team);
        String[] rules = vipRulesAndCatchAll(admin, team, vip);
        try {
            String token = visitorToken(team.channelKey(), Map.of("attributes",
                    Map.of("tags", List.of("vip"), "vip", true, "tier", "vip")));
            String c = chat(token);
            assertThat(routedBy(c, rules[3], team.agents().get(0).id())).as("routed by the catch-all to the general agent").isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anIdentifiedCustomerClaimingTheVipTagOnThePageIsNotAVipEither() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String vip = vipGroup(admin, team);
        String[] rules = vipRulesAndCatchAll(admin, team, vip);
        String userId = "customer-" + UUID.randomUUID();
        try {
            String token = visitorToken(team.channelKey(), Map.of("userId", userId,
                    "userHash", IdentityHash.sign(userId, team.channelSecret()),
                    "attributes", Map.of("tags", "vip", "vip", "true", "tier", "vip")));
            String c = chat(token);
            assertThat(routedBy(c, rules[3], team.agents().get(0).id())).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aCustomerTheCrmTaggedVipIsRoutedByTheRuleOnCustomerTags() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String vip = vipGroup(admin, team);
        String[] rules = vipRulesAndCatchAll(admin, team, vip);
        String userId = "customer-" + UUID.randomUUID();
        as(admin).body(Map.of("attributes", Map.of("tags", List.of("beta", "vip"))))
                .when().put("/api/v1/admin/customers/" + userId).then().statusCode(200)
                .body("attributes.tags", equalTo(List.of("beta", "vip")));
        try {
            String token = visitorToken(team.channelKey(), Map.of("userId", userId,
                    "userHash", IdentityHash.sign(userId, team.channelSecret())));
            String c = chat(token);
            assertThat(routedBy(c, rules[0], team.agents().get(1).id())).as("routed by the rule on customer.tags to the VIP agent").isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aPagesClaimsNeverChangeTheCustomerRecord() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String userId = "customer-" + UUID.randomUUID();
        as(admin).body(Map.of("tier", "gold", "attributes", Map.of("tags", List.of("regular"))))
                .when().put("/api/v1/admin/customers/" + userId).then().statusCode(200);
        visitorToken(team.channelKey(), Map.of("userId", userId, "userHash", IdentityHash.sign(userId, team.channelSecret()),
                "attributes", Map.of("tags", List.of("vip"), "tier", "platinum", "plan", "enterprise")));

        as(admin).when().get("/api/v1/admin/customers/" + userId).then().statusCode(200)
                .body("tier", equalTo("gold"))
                .body("attributes", equalTo(Map.of("tier", "gold", "tags", List.of("regular"))));
        assertThat(Fixtures.count("select count(*) from customers where tenant_id = ? and external_id = ? "
                + "and attributes = '{\"tier\": \"gold\", \"tags\": [\"regular\"]}'::jsonb", team.tenantId(), userId)).isOne();
        // The claims are the visitor's own.
        assertThat(Fixtures.count("select count(*) from visitors v join customers c on c.id = v.customer_id "
                + "where c.external_id = ? and v.claims ->> 'plan' = 'enterprise'", userId)).isOne();
    }

    @Test
    void aPagesNameAndEmailFillOnlyWhatTheCustomerRecordLacks() {
        // The identity hash signs the user id only: a name or email from the page is a claim, and
        // a page that knows a customer's id and hash must not rename the CRM's record.
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String userId = "customer-" + UUID.randomUUID();
        as(admin).body(Map.of("name", "Li Lei")).when().put("/api/v1/admin/customers/" + userId).then().statusCode(200);
        String hash = IdentityHash.sign(userId, team.channelSecret());
        visitorToken(team.channelKey(), Map.of("userId", userId, "userHash", hash, "name", "Mallory", "email", "li@example.com"));
        visitorToken(team.channelKey(), Map.of("userId", userId, "userHash", hash, "email", "mallory@example.com"));

        as(admin).when().get("/api/v1/admin/customers/" + userId).then().statusCode(200)
                .body("name", equalTo("Li Lei"))
                .body("email", equalTo("li@example.com"));
    }

    @Test
    void theCrmRemovesACustomerAttributeByGivingItAsNull() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String userId = "customer-" + UUID.randomUUID();
        as(admin).body(Map.of("tier", "gold", "attributes", Map.of("tags", List.of("vip"), "region", "eu")))
                .when().put("/api/v1/admin/customers/" + userId).then().statusCode(200);
        Map<String, Object> removal = new HashMap<>();
        removal.put("tags", null);
        as(admin).body(Map.of("attributes", removal)).when().put("/api/v1/admin/customers/" + userId).then().statusCode(200)
                .body("attributes.tags", nullValue())
                .body("attributes.region", equalTo("eu"))
                .body("tier", equalTo("gold"));
        as(admin).body(Map.of("attributes", Map.of("", "x"))).when().put("/api/v1/admin/customers/" + userId)
                .then().statusCode(400).body("errors[0].field", equalTo("attributes"));
    }

    @Test
    void aRuleOnAClaimedAttributeMatchesWhatThePageClaimed() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String vip = vipGroup(admin, team);
        String onClaim = rule(admin, 1, vip, List.of(attribute("claimed.plan", "enterprise")));
        String catchAll = rule(admin, 10, team.groupId(), List.of());
        try {
            String claimed = chat(visitorToken(team.channelKey(), Map.of("attributes", Map.of("plan", "enterprise"))));
            assertThat(routedBy(claimed, onClaim, team.agents().get(1).id())).isOne();
            String other = chat(visitorToken(team.channelKey(), Map.of("attributes", Map.of("plan", "free"))));
            assertThat(routedBy(other, catchAll, team.agents().get(0).id())).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
