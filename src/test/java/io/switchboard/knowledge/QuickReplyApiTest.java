package io.switchboard.knowledge;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Quick replies (A7, C9): admins keep the tenant's, limited to channels; supervisors read them;
 * every staff member keeps their own; type-ahead offers a conversation the tenant's replies of
 * its channel and the caller's own, title hits first, Chinese words too. Played as an attacker
 * as well: an agent writing the tenant's replies, another agent's reply, another tenant's ids.
 */
@QuarkusTest
class QuickReplyApiTest {

    static final String ADMIN = "/api/v1/admin/quick-replies";
    static final String MINE = "/api/v1/me/quick-replies";
    static final String OFFERED = "/api/v1/quick-replies";

    @TestHTTPResource("/")
    URL base;

    static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String reply(String jwt, String path, Object... kv) {
        return as(jwt).body(body(kv)).when().post(path).then().statusCode(201).extract().path("id");
    }

    private static long replies(String tenantId) {
        return Fixtures.count("select count(*) from quick_replies where tenant_id = ?", tenantId);
    }

    /** A second web channel of the team's tenant, through the admin API. */
    static Map<String, String> channel(String adminJwt, String groupId) {
        var created = as(adminJwt).body(body("name", "Second", "kind", "web", "groupId", groupId)).when().post("/api/v1/admin/channels")
                .then().statusCode(201).extract();
        return Map.of("id", created.path("id"), "key", created.path("key"));
    }

    /** A conversation a new visitor starts on the channel. */
    String conversation(String channelKey, String text) {
        return conversationVia(base, channelKey, text);
    }

    static String conversationVia(URL base, String channelKey, String text) {
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(channelKey).token())) {
            return Chat.send(v, null, clientId(), text).path("conversationId").asText();
        }
    }

    @Test
    void adminsWriteTheTenantsRepliesSupervisorsReadThemAgentsDoNeither() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String supervisor = Chat.login(Staff.create(team.tenantId(), "supervisor"));
        String agent = Chat.login(team.agents().get(0).email());

        String id = reply(admin, ADMIN, "category", "Billing", "title", "Refund", "text", "Hello {visitor.name}, your refund is on its way.");
        as(supervisor).when().get(ADMIN).then().statusCode(200)
                .body("id", hasItem(id)).body("find { it.id == '" + id + "' }.channelIds", equalTo(List.of()));
        as(supervisor).when().get(ADMIN + "/" + id).then().statusCode(200).body("category", equalTo("Billing"));

        as(supervisor).body(body("title", "x", "text", "y")).when().post(ADMIN).then().statusCode(403);
        as(supervisor).body(body("title", "changed")).when().put(ADMIN + "/" + id).then().statusCode(403);
        as(supervisor).when().delete(ADMIN + "/" + id).then().statusCode(403);
        as(agent).when().get(ADMIN).then().statusCode(403);
        as(agent).body(body("title", "x", "text", "y")).when().post(ADMIN).then().statusCode(403);
        as(agent).body(body("title", "changed")).when().put(ADMIN + "/" + id).then().statusCode(403);
        as(agent).when().delete(ADMIN + "/" + id).then().statusCode(403);
        assertThat(replies(team.tenantId())).isEqualTo(1);

        as(admin).body(body("text", "Your refund was sent today.")).when().put(ADMIN + "/" + id).then().statusCode(200)
                .body("title", equalTo("Refund")).body("text", equalTo("Your refund was sent today."));
        as(admin).when().delete(ADMIN + "/" + id).then().statusCode(204);
        as(admin).when().get(ADMIN + "/" + id).then().statusCode(404);
        as(admin).when().delete(ADMIN + "/" + id).then().statusCode(404);
    }

    @Test
    void badRepliesAreRefusedWithFieldErrorsAndNothingIsWritten() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());

        as(admin).body(body("title", "t".repeat(101), "text", "")).when().post(ADMIN).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("title")).body("errors.field", hasItem("text"));
        as(admin).body(body("title", "ok", "text", "x".repeat(4001))).when().post(ADMIN).then().statusCode(400)
                .body("errors.field", hasItem("text"));
        as(admin).body(body("title", "ok", "text", "ok", "category", "c".repeat(51))).when().post(ADMIN).then().statusCode(400)
                .body("errors.field", hasItem("category"));
        as(admin).body(body("title", "ok", "text", "Hi {vistor.name}")).when().post(ADMIN).then().statusCode(400)
                .body("errors[0].field", equalTo("text")).body("errors[0].message", org.hamcrest.Matchers.containsString("{vistor.name}"));
        as(admin).body(body("title", "ok", "text", "ok", "channelIds", List.of("nope"))).when().post(ADMIN).then().statusCode(400)
                .body("errors.field", hasItem("channelIds"));
        // Another tenant's channel is not one of ours.
        as(admin).body(body("title", "ok", "text", "ok", "channelIds", List.of(other.channelId()))).when().post(ADMIN)
                .then().statusCode(400).body("errors.field", hasItem("channelIds"));
        as(admin).body(body("title", "ok", "text", "ok", "channelIds", java.util.Collections.nCopies(51, team.channelId())))
                .when().post(ADMIN).then().statusCode(400).body("errors.field", hasItem("channelIds"));
        as(agent).body(body("title", "mine", "text", "ok", "channelIds", List.of(team.channelId()))).when().post(MINE)
                .then().statusCode(400).body("errors.field", hasItem("channelIds"));
        assertThat(replies(team.tenantId())).isZero();

        String id = reply(admin, ADMIN, "title", "Kept", "text", "Kept as it was", "channelIds", List.of(team.channelId()));
        as(admin).body(body("title", "", "channelIds", List.of(other.channelId()))).when().put(ADMIN + "/" + id).then().statusCode(400);
        as(admin).when().get(ADMIN + "/" + id).then().statusCode(200).body("title", equalTo("Kept"))
                .body("channelIds", equalTo(List.of(team.channelId())));
    }

    @Test
    void anotherTenantsReplyIsNotFound() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(1, 5);
        String id = reply(Chat.login(team.adminEmail()), ADMIN, "title", "Ours", "text", "ours");
        String mine = reply(Chat.login(team.agents().get(0).email()), MINE, "title", "Mine", "text", "mine");
        String otherAdmin = Chat.login(other.adminEmail());
        String otherAgent = Chat.login(other.agents().get(0).email());

        for (String target : List.of(id, mine)) {
            as(otherAdmin).when().get(ADMIN + "/" + target).then().statusCode(404);
            as(otherAdmin).body(body("title", "stolen")).when().put(ADMIN + "/" + target).then().statusCode(404);
            as(otherAdmin).when().delete(ADMIN + "/" + target).then().statusCode(404);
            as(otherAgent).body(body("title", "stolen")).when().put(MINE + "/" + target).then().statusCode(404);
            as(otherAgent).when().delete(MINE + "/" + target).then().statusCode(404);
        }
        as(otherAdmin).when().get(ADMIN).then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem(id)));
        as(otherAgent).when().get(OFFERED).then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem(id)))
                .body("id", org.hamcrest.Matchers.not(hasItem(mine)));
        as(otherAdmin).when().get(ADMIN + "/not-an-id").then().statusCode(404);
        assertThat(Fixtures.count("select count(*) from quick_replies where id in (?, ?) and title in ('Ours', 'Mine')", id, mine)).isEqualTo(2);
    }

    @Test
    void personalRepliesBelongToTheirOwnerAlone() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String a1 = Chat.login(team.agents().get(0).email());
        String a2 = Chat.login(team.agents().get(1).email());

        String mine = reply(a1, MINE, "category", "Greetings", "title", "Hi", "text", "Hi, I am {agent.name}.");
        as(a1).when().get(MINE).then().statusCode(200).body("id", equalTo(List.of(mine))).body("[0].category", equalTo("Greetings"));
        as(a2).when().get(MINE).then().statusCode(200).body("id", equalTo(List.of()));
        as(a2).body(body("title", "taken")).when().put(MINE + "/" + mine).then().statusCode(404);
        as(a2).when().delete(MINE + "/" + mine).then().statusCode(404);
        // Not the tenant's either: the admin's endpoints do not reach it.
        as(admin).when().get(ADMIN + "/" + mine).then().statusCode(404);
        as(admin).when().delete(ADMIN + "/" + mine).then().statusCode(404);
        as(admin).when().delete(MINE + "/" + mine).then().statusCode(404);

        as(a1).body(body("title", "Hello")).when().put(MINE + "/" + mine).then().statusCode(200).body("title", equalTo("Hello"));
        as(a1).when().delete(MINE + "/" + mine).then().statusCode(204);
        assertThat(replies(team.tenantId())).isZero();
    }

    @Test
    void aConversationIsOfferedTheTenantsRepliesOfItsChannelAndTheCallersOwn() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String a1 = Chat.login(team.agents().get(0).email());
        String a2 = Chat.login(team.agents().get(1).email());
        Map<String, String> second = channel(admin, team.groupId());
        try {
            String everywhere = reply(admin, ADMIN, "title", "Everywhere", "text", "for all channels");
            String first = reply(admin, ADMIN, "title", "First only", "text", "for the first", "channelIds", List.of(team.channelId()));
            String secondOnly = reply(admin, ADMIN, "title", "Second only", "text", "for the second", "channelIds", List.of(second.get("id")));
            String own = reply(a1, MINE, "title", "My own", "text", "mine");
            String others = reply(a2, MINE, "title", "Theirs", "text", "theirs");

            String c = conversation(team.channelKey(), "hello");
            var offered = as(a1).queryParam("conversationId", c).when().get(OFFERED).then().statusCode(200).extract();
            assertThat(offered.<List<String>>path("id")).containsExactlyInAnyOrder(everywhere, first, own)
                    .doesNotContain(secondOnly, others);
            assertThat(offered.<String>path("find { it.id == '" + own + "' }.scope")).isEqualTo("personal");
            assertThat(offered.<String>path("find { it.id == '" + first + "' }.scope")).isEqualTo("tenant");

            // Without a conversation: every reply of the tenant and one's own.
            assertThat(as(a1).when().get(OFFERED).then().statusCode(200).extract().<List<String>>path("id"))
                    .containsExactlyInAnyOrder(everywhere, first, secondOnly, own);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void typeAheadFindsTitleHitsBeforeTextHitsInChineseAndEnglish() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        String inText = reply(admin, ADMIN, "title", "售后说明", "text", "我们会在三天内为您办理退货退款手续。");
        String inTitle = reply(admin, ADMIN, "title", "退款进度", "text", "请耐心等待。");
        String english = reply(admin, ADMIN, "title", "Refund policy", "text", "Refunds take 3 days.");
        reply(admin, ADMIN, "title", "Greeting", "text", "Hello!");

        assertThat(as(agent).queryParam("q", "退款").when().get(OFFERED).then().statusCode(200).extract().<List<String>>path("id"))
                .containsExactly(inTitle, inText);
        assertThat(as(agent).queryParam("q", "ref").when().get(OFFERED).then().statusCode(200).extract().<List<String>>path("id"))
                .as("the word being typed is a prefix").containsExactly(english);
        assertThat(as(agent).queryParam("q", "款").when().get(OFFERED).then().statusCode(200).extract().<List<String>>path("id"))
                .containsExactlyInAnyOrder(inTitle, inText);
        assertThat(as(agent).queryParam("q", "退货款").when().get(OFFERED).then().statusCode(200).extract().<List<String>>path("id"))
                .isEmpty();
    }

    @Test
    void aConversationTheCallerMayNotSeeOrABadQueryIsRefused() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(1, 5);
        String elsewhere = Chat.login(Staff.agentElsewhere(team.tenantId()));
        String otherAgent = Chat.login(other.agents().get(0).email());
        try {
            String c = conversation(team.channelKey(), "hello");
            as(otherAgent).queryParam("conversationId", c).when().get(OFFERED).then().statusCode(404);
            as(elsewhere).queryParam("conversationId", c).when().get(OFFERED).then().statusCode(404);
            as(elsewhere).queryParam("conversationId", "not-an-id").when().get(OFFERED).then().statusCode(404);
            as(elsewhere).queryParam("q", "x".repeat(101)).when().get(OFFERED).then().statusCode(400)
                    .body("errors[0].field", equalTo("q"));
            as(elsewhere).queryParam("q", "?!").when().get(OFFERED).then().statusCode(400).body("errors[0].field", equalTo("q"));
            as(elsewhere).queryParam("limit", 51).when().get(OFFERED).then().statusCode(400).body("errors[0].field", equalTo("limit"));
            String visitor = Chat.visitor(team.channelKey()).token();
            as(visitor).when().get(OFFERED).then().statusCode(403);
            as(visitor).body(body("title", "x", "text", "y")).when().post(MINE).then().statusCode(403);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
