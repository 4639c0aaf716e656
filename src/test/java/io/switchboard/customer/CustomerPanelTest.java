package io.switchboard.customer;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.conversation.Chat;
import io.switchboard.knowledge.Staff;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The customer panel (C10, A8, F4): the visitor's claims apart from the CRM's customer record,
 * their past conversations, the pages their widget reported and where they came from; the
 * tenant chooses the fields; nobody outside the conversation's visibility reads it.
 */
@QuarkusTest
class CustomerPanelTest {

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    private static JsonNode panel(String jwt, String conversationId) {
        return as(jwt).when().get("/api/v1/conversations/" + conversationId + "/customer").then().statusCode(200)
                .extract().as(JsonNode.class);
    }

    /** A visitor of the team's widget with a page and its own claims, identified as a customer when {@code userId} is given. */
    private static String visitorToken(Fixtures.Team team, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors").then().statusCode(200)
                .extract().path("visitorToken");
    }

    @Test
    void thePanelShowsTheClaimsApartFromTheCrmRecordThePagesNewestFirstAndTheSearchThatBroughtTheVisitor() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        // The CRM side: an account with its owner, and the customer in it, with a tier.
        as(admin).body(Map.of("name", "Acme Ltd", "ownerId", team.agents().get(0).id()))
                .when().put("/api/v1/admin/accounts/acme").then().statusCode(200);
        as(admin).body(Map.of("name", "Lin Wei", "email", "lin@acme.example", "tier", "gold", "accountExternalId", "acme"))
                .when().put("/api/v1/admin/customers/u-42").then().statusCode(200);
        String hash = io.switchboard.security.IdentityHash.sign("u-42", team.channelSecret());
        Map<String, Object> identity = new HashMap<>(Map.of("userId", "u-42", "userHash", hash, "name", "Lin (page)",
                "attributes", Map.of("plan", "pro", "tier", "platinum")));
        try (WsClient v = Chat.visitorSocket(base, visitorToken(team, identity))) {
            v.send(frame("page", "url", "https://shop.example/landing?utm=x", "title", "Spring sale",
                    "referrer", "https://www.baidu.com/s?ie=utf-8&wd=%E9%80%80%E6%AC%BE"));
            v.send(frame("page", "url", "https://shop.example/orders/SO-1", "title", "Your order",
                    "referrer", "https://shop.example/landing?utm=x"));
            String c = Chat.send(v, null, clientId(), "where is my refund?").path("conversationId").asText();
            v.await(type("assigned", c), WAIT);

            JsonNode p = panel(agent, c);
            // The page's claims: what it said, never mixed into the customer record.
            assertThat(p.path("visitor").path("attributes").path("tier").asText()).isEqualTo("platinum");
            assertThat(p.path("customer").path("externalId").asText()).isEqualTo("u-42");
            assertThat(p.path("customer").path("tier").asText()).isEqualTo("gold");
            assertThat(p.path("customer").path("name").asText()).isEqualTo("Lin Wei");
            assertThat(p.path("customer").path("account").path("name").asText()).isEqualTo("Acme Ltd");
            assertThat(p.path("customer").path("account").path("owner").path("id").asText()).isEqualTo(team.agents().get(0).id());
            assertThat(p.path("pages").get(0).path("title").asText()).isEqualTo("Your order");
            assertThat(p.path("pages").get(1).path("url").asText()).isEqualTo("https://shop.example/landing?utm=x");
            assertThat(p.path("source").path("searchEngine").asText()).isEqualTo("baidu");
            assertThat(p.path("source").path("searchKeyword").asText()).isEqualTo("退款");
            assertThat(p.path("source").path("landingPage").asText()).isEqualTo("https://shop.example/landing?utm=x");
            assertThat(p.path("fields").size()).isEqualTo(PanelFields.ALL.size());
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void pastConversationsAreTheVisitorsOthersNewestFirst() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agent = Chat.login(team.agents().get(0).email());
        try (WsClient v = Chat.visitorSocket(base, visitorToken(team, Map.of()))) {
            String first = Chat.send(v, null, clientId(), "first question").path("conversationId").asText();
            v.await(type("assigned", first), WAIT);
            as(agent).when().post("/api/v1/conversations/" + first + "/close").then().statusCode(200);
            v.await(type("closed", first), WAIT);
            String second = Chat.send(v, null, clientId(), "second question").path("conversationId").asText();
            v.await(type("assigned", second), WAIT);

            JsonNode past = panel(agent, second).path("pastConversations");
            assertThat(past.size()).isEqualTo(1);
            assertThat(past.get(0).path("id").asText()).isEqualTo(first);
            assertThat(past.get(0).path("state").asText()).isEqualTo("closed");
            assertThat(past.get(0).path("preview").asText()).isEqualTo("first question");
            assertThat(past.get(0).has("previewAttachments")).isFalse();
            assertThat(panel(agent, second).has("customer")).as("an anonymous visitor has no CRM record").isFalse();

            // Ended on a picture sent without words, the conversation is previewed by its file.
            Staff.exec("""
                    insert into messages (tenant_id, conversation_id, seq, sender_kind, sender_id, text, attachments)
                    select tenant_id, id, last_seq + 1, 'visitor', visitor_id, '',
                           '[{"id": "00000000-0000-0000-0000-000000000001", "name": "receipt.png", "contentType": "image/png", "size": 68}]'::jsonb
                    from conversations where id = ?::uuid""", first);
            JsonNode file = panel(agent, second).path("pastConversations").get(0);
            assertThat(file.path("preview").asText()).isEmpty();
            assertThat(file.path("previewAttachments").get(0).path("name").asText()).isEqualTo("receipt.png");
            assertThat(file.path("previewAttachments").get(0).path("contentType").asText()).isEqualTo("image/png");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void theTenantsChoiceOfFieldsLeavesTheOthersOutOfTheAnswer() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        try (WsClient v = Chat.visitorSocket(base, visitorToken(team, Map.of("name", "Kim", "email", "kim@example.com")))) {
            v.send(frame("page", "url", "https://shop.example/", "referrer", "https://www.google.com/"));
            String c = Chat.send(v, null, clientId(), "hi").path("conversationId").asText();
            v.await(type("assigned", c), WAIT);

            as(admin).body(Map.of("customerPanel", List.of("name", "pages"))).when().put("/api/v1/admin/settings")
                    .then().statusCode(200);
            as(admin).when().get("/api/v1/admin/settings").then().statusCode(200)
                    .body("customerPanel", org.hamcrest.Matchers.contains("name", "pages"));
            JsonNode p = panel(agent, c);
            assertThat(p.path("visitor").path("name").asText()).isEqualTo("Kim");
            assertThat(p.path("visitor").has("email")).isFalse();
            assertThat(p.has("source")).isFalse();
            assertThat(p.has("pastConversations")).isFalse();
            assertThat(p.path("pages").size()).isEqualTo(1);
            assertThat(p.path("fields")).extracting(JsonNode::asText).containsExactly("name", "pages");

            as(admin).body(Map.of("customerPanel", List.of("name", "phone", "name"))).when().put("/api/v1/admin/settings")
                    .then().statusCode(400).body("errors.field", org.hamcrest.Matchers.hasItems("customerPanel[1]", "customerPanel[2]"));
            as(agent).body(Map.of("customerPanel", List.of())).when().put("/api/v1/admin/settings").then().statusCode(403);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void nobodyOutsideTheConversationsVisibilityReadsThePanel() {
        Fixtures.Team ours = Fixtures.team(1, 5);
        Fixtures.Team theirs = Fixtures.team(1, 5);
        String stranger = Chat.login(theirs.agents().get(0).email());
        try (WsClient v = Chat.visitorSocket(base, visitorToken(ours, Map.of()))) {
            String c = Chat.send(v, null, clientId(), "hi").path("conversationId").asText();
            for (String id : List.of(c, c.toUpperCase(), "x", "..%2F" + c)) {
                as(stranger).when().get("/api/v1/conversations/" + id + "/customer").then().statusCode(404);
            }
            given().when().get("/api/v1/conversations/" + c + "/customer").then().statusCode(401);
        } finally {
            Chat.retire(ours.tenantId());
            Chat.retire(theirs.tenantId());
        }
    }

    @Test
    void aPageReportThatIsNoWebAddressIsRefusedAndAForeignReferrerDropped() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agent = Chat.login(team.agents().get(0).email());
        try (WsClient v = Chat.visitorSocket(base, visitorToken(team, Map.of()))) {
            for (String url : List.of("javascript:alert(1)", "data:text/html,<script>", "//no-scheme.example", "https://x.example/"
                    + "a".repeat(2100))) {
                v.send(frame("page", "url", url));
                assertThat(v.await(type("error"), WAIT).path("code").asText()).isEqualTo("invalid");
            }
            v.send(frame("page", "url", "https://shop.example/", "title", "<b>T</b>", "referrer", "android-app://com.example"));
            String c = Chat.send(v, null, clientId(), "hi").path("conversationId").asText();
            v.await(type("assigned", c), WAIT);
            JsonNode p = panel(agent, c);
            assertThat(p.path("pages").size()).isEqualTo(1);
            assertThat(p.path("pages").get(0).path("title").asText()).as("kept as text; the console escapes it").isEqualTo("<b>T</b>");
            assertThat(p.path("source").has("referrer")).isFalse();
            assertThat(v.drain(Duration.ofMillis(200))).noneMatch(type("error"));
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
