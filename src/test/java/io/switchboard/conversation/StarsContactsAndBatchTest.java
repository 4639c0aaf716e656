package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

/**
 * Stars and recent contacts (C3) and batch actions (C4), over REST as a console uses them, and
 * as an attacker would try them: other tenants' ids, another agent's star, malformed batches.
 */
@QuarkusTest
class StarsContactsAndBatchTest {

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    /** A visitor's first message: a new conversation, once the dispatcher assigned it to an online agent of the team. */
    private String conversation(Fixtures.Team team, List<WsClient> sockets) {
        WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
        sockets.add(v);
        String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
        v.await(type("assigned", c), WAIT);
        return c;
    }

    private static void closeAll(List<WsClient> sockets) {
        sockets.forEach(WsClient::close);
    }

    private static List<String> starred(String jwt) {
        return as(jwt).when().get("/api/v1/conversations?starred=true").then().statusCode(200).extract().path("id");
    }

    @Test
    void aStarIsTheCallersOwnAndKeepsTheConversationInTheirStarredListAfterItCloses() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        String j2 = Chat.login(team.agents().get(1).email());
        String admin = Chat.login(team.adminEmail());
        List<WsClient> sockets = new ArrayList<>();
        try {
            String c = conversation(team, sockets);
            String mine = given().auth().oauth2(admin).when().get("/api/v1/conversations/" + c).then().statusCode(200)
                    .extract().path("assignee.id");
            String jwt = mine.equals(team.agents().get(0).id()) ? j1 : j2;

            as(jwt).when().put("/api/v1/conversations/" + c + "/star").then().statusCode(204);
            as(jwt).when().put("/api/v1/conversations/" + c + "/star").then().statusCode(204);
            assertThat(starred(jwt)).containsExactly(c);
            as(jwt).when().get("/api/v1/conversations/" + c).then().statusCode(200).body("starred", org.hamcrest.Matchers.is(true));
            as(jwt).when().get("/api/v1/conversations").then().statusCode(200).body("find { it.id == '" + c + "' }.starred",
                    org.hamcrest.Matchers.is(true));
            // Not the supervisor's star: their list of stars is theirs, and the conversation shows unstarred to them.
            assertThat(starred(admin)).isEmpty();
            as(admin).when().get("/api/v1/conversations/" + c).then().statusCode(200).body("starred", org.hamcrest.Matchers.is(false));

            as(jwt).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(200);
            assertThat(starred(jwt)).as("a closed conversation stays starred").containsExactly(c);

            as(jwt).when().delete("/api/v1/conversations/" + c + "/star").then().statusCode(204);
            as(jwt).when().delete("/api/v1/conversations/" + c + "/star").then().statusCode(204);
            assertThat(starred(jwt)).isEmpty();
        } finally {
            closeAll(sockets);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void starringAConversationOfAnotherTenantOrOneNotSeenAnswers404AndStoresNothing() {
        Fixtures.Team ours = Fixtures.team(1, 5);
        Fixtures.Team theirs = Fixtures.team(1, 5);
        String j1 = Chat.login(ours.agents().get(0).email());
        List<WsClient> sockets = new ArrayList<>();
        try {
            String foreign = conversation(theirs, sockets);
            for (String id : List.of(foreign, UUID.randomUUID().toString(), "not-an-id", foreign.toUpperCase(), "..%2F" + foreign)) {
                as(j1).when().put("/api/v1/conversations/" + id + "/star").then().statusCode(404);
            }
            assertThat(Fixtures.count("select count(*) from conversation_stars where conversation_id = ?::uuid", foreign)).isZero();
            as(j1).when().get("/api/v1/conversations?starred=maybe").then().statusCode(400)
                    .body("errors.field", hasItem("starred"));
            given().when().put("/api/v1/conversations/" + foreign + "/star").then().statusCode(401);
        } finally {
            closeAll(sockets);
            Chat.retire(ours.tenantId());
            Chat.retire(theirs.tenantId());
        }
    }

    @Test
    void recentContactsAreThePeopleTheCallerServedMostRecentFirstEachOnceWithTheirLastConversation() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        String admin = Chat.login(team.adminEmail());
        Chat.Visitor ann = Chat.visitor(team.channelKey());
        try (WsClient v = Chat.visitorSocket(base, ann.token())) {
            String first = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            v.await(type("assigned", first), WAIT);
            as(j1).when().post("/api/v1/conversations/" + first + "/close").then().statusCode(200);
            v.await(type("closed", first), WAIT);
            String second = Chat.send(v, null, clientId(), "me again").path("conversationId").asText();
            assertThat(second).isNotEqualTo(first);
            v.await(type("assigned", second), WAIT);
            List<WsClient> sockets = new ArrayList<>();
            try {
                String other = conversation(team, sockets);
                JsonNode contacts = as(j1).when().get("/api/v1/contacts/recent?days=7").then().statusCode(200)
                        .extract().as(JsonNode.class);
                assertThat(contacts.size()).isEqualTo(2);
                // Most recent first: the other visitor wrote last.
                assertThat(contacts.get(0).path("lastConversationId").asText()).isEqualTo(other);
                JsonNode annContact = contacts.get(1);
                assertThat(annContact.path("visitorId").asText()).isEqualTo(ann.id());
                assertThat(annContact.path("lastConversationId").asText()).isEqualTo(second);
                assertThat(annContact.path("conversations").asInt()).isEqualTo(2);
                assertThat(annContact.path("lastAt").isTextual()).isTrue();
            } finally {
                closeAll(sockets);
            }
            // The admin served nobody: recent contacts are one's own, not the tenant's.
            as(admin).when().get("/api/v1/contacts/recent").then().statusCode(200).body("size()", org.hamcrest.Matchers.is(0));
            for (String days : List.of("0", "181", "-1", "many")) {
                as(j1).when().get("/api/v1/contacts/recent?days=" + days).then().statusCode(400);
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aBatchCloseClosesEachConversationWhollyFreesCapacityAtOnceAndReportsEachOutcomeInOrder() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team theirs = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        List<WsClient> sockets = new ArrayList<>();
        try {
            String a = conversation(team, sockets);
            String b = conversation(team, sockets);
            String c = conversation(team, sockets);
            String foreign = conversation(theirs, sockets);
            as(j1).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(200);
            assertThat(Teamwork.load(j1)).isEqualTo(2);

            JsonNode results = as(j1).body(Map.of("action", "close", "conversationIds", List.of(a, foreign, c, b)))
                    .when().post("/api/v1/conversations/batch").then().statusCode(200).extract().as(JsonNode.class);
            assertThat(results.path("results").size()).isEqualTo(4);
            assertThat(results.path("results").get(0).path("conversationId").asText()).isEqualTo(a);
            assertThat(results.path("results").get(0).path("ok").asBoolean()).isTrue();
            assertThat(results.path("results").get(3).path("ok").asBoolean()).isTrue();
            assertThat(results.path("results").get(1).path("error").asText()).isEqualTo("not_found");
            assertThat(results.path("results").get(2).path("error").asText()).isEqualTo("conflict");
            assertThat(results.path("results").get(3).path("conversationId").asText()).isEqualTo(b);
            assertThat(Fixtures.count("select count(*) from conversations where id in (?::uuid, ?::uuid) and state = 'closed'", a, b))
                    .isEqualTo(2);
            assertThat(Fixtures.count("select count(*) from conversations where id = ?::uuid and state <> 'closed'", foreign))
                    .as("another tenant's conversation is untouched").isEqualTo(1);
            assertThat(Teamwork.load(j1)).as("capacity freed at once").isZero();
            assertThat(Teamwork.openLoadInPostgres(team.agents().get(0).id())).isZero();
            sockets.get(0).await(type("closed", a), WAIT);
            sockets.get(1).await(type("closed", b), WAIT);
        } finally {
            closeAll(sockets);
            Chat.retire(team.tenantId());
            Chat.retire(theirs.tenantId());
        }
    }

    @Test
    void aBatchMarkReadClearsUnreadAndTellsTheVisitor() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        List<WsClient> sockets = new ArrayList<>();
        try {
            String a = conversation(team, sockets);
            String b = conversation(team, sockets);
            Chat.send(sockets.get(0), a, clientId(), "are you there?");
            as(j1).when().get("/api/v1/conversations").then().statusCode(200)
                    .body("find { it.id == '" + a + "' }.unread", org.hamcrest.Matchers.is(2));

            as(j1).body(Map.of("action", "read", "conversationIds", List.of(a, b)))
                    .when().post("/api/v1/conversations/batch").then().statusCode(200)
                    .body("results.ok", org.hamcrest.Matchers.contains(true, true));
            as(j1).when().get("/api/v1/conversations").then().statusCode(200)
                    .body("find { it.id == '" + a + "' }.unread", org.hamcrest.Matchers.is(0))
                    .body("find { it.id == '" + b + "' }.unread", org.hamcrest.Matchers.is(0));
            assertThat(sockets.get(0).await(type("read", a), WAIT).path("seq").asInt()).isEqualTo(2);
        } finally {
            closeAll(sockets);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aMalformedBatchIsRefusedWholeAndChangesNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        List<WsClient> sockets = new ArrayList<>();
        try {
            String a = conversation(team, sockets);
            List<String> tooMany = new ArrayList<>();
            tooMany.add(a);
            for (int i = 0; i < BatchActions.MAX; i++) {
                tooMany.add(UUID.randomUUID().toString());
            }
            List<Map<String, Object>> refused = List.of(
                    Map.of("action", "delete", "conversationIds", List.of(a)),
                    Map.of("action", "close", "conversationIds", List.of()),
                    Map.of("action", "close", "conversationIds", tooMany),
                    Map.of("action", "close", "conversationIds", List.of(a, a)),
                    Map.of("action", "close", "conversationIds", List.of(a, "x")),
                    Map.of("action", "close", "conversationIds", List.of(a, "1-1-1-1-1")),
                    Map.of("action", "close"));
            for (Map<String, Object> body : refused) {
                as(j1).body(body).when().post("/api/v1/conversations/batch").then().statusCode(400)
                        .contentType("application/problem+json");
            }
            assertThat(Fixtures.count("select count(*) from conversations where id = ?::uuid and state = 'open'", a)).isEqualTo(1);
        } finally {
            closeAll(sockets);
            Chat.retire(team.tenantId());
        }
    }
}
