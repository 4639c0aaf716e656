package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.ackOf;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.errorFor;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Experts and internal notes (C7): an invited expert reads the history, follows the
 * conversation live and writes into it, without load; internal notes reach staff and never
 * the visitor, by socket, REST or resume.
 */
@QuarkusTest
class ExpertsAndNotesTest {

    @TestHTTPResource("/")
    URL base;

    private static Response invite(String jwt, String conversationId, String agentId) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("agentId", agentId))
                .when().post("/api/v1/conversations/" + conversationId + "/participants");
    }

    private static JsonNode note(WsClient ws, String conversationId, String text) {
        String id = clientId();
        ws.send(frame("message", "conversationId", conversationId, "clientId", id, "text", text, "internal", true));
        JsonNode reply = ws.await(ackOf(id).or(errorFor(id)), WAIT);
        assertThat(reply.path("type").asText()).as("reply to a note: %s", reply).isEqualTo("ack");
        return reply;
    }

    @Test
    void anInvitedExpertReadsTheHistoryFollowsLiveAndWritesWithoutLoad() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "break");
        try (WsClient s1 = Chat.agentSocket(base, j1); WsClient s2 = Chat.agentSocket(base, j2);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "my invoice is wrong").path("conversationId").asText();
            s1.await(type("assigned", c), WAIT);

            List<String> experts = invite(j1, c, a2.id()).then().statusCode(200).extract().path("id");
            assertThat(experts).containsExactly(a2.id());
            JsonNode invited = s2.await(type("invited", c), WAIT);
            assertThat(invited.path("by").path("id").asText()).isEqualTo(a1.id());
            assertThat(given().auth().oauth2(j2).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).extract().asString()).contains("my invoice is wrong");
            assertThat(given().auth().oauth2(j1).when().get("/api/v1/conversations/" + c)
                    .then().statusCode(200).extract().<List<String>>path("participants.id")).containsExactly(a2.id());
            List<String> listed = given().auth().oauth2(j2).when().get("/api/v1/conversations").then().statusCode(200).extract().path("id");
            assertThat(listed).contains(c);

            Chat.send(v, c, clientId(), "it says 300 instead of 30");
            s2.await(f -> "message".equals(f.path("type").asText()) && f.path("text").asText().contains("300"), WAIT);

            Chat.send(s2, c, clientId(), "Hello, I'm from billing");
            Chat.received(v, f -> "message".equals(f.path("type").asText()) && f.path("text").asText().contains("from billing"));
            s1.await(f -> "message".equals(f.path("type").asText()) && f.path("text").asText().contains("from billing"), WAIT);

            assertThat(Teamwork.load(j2)).isZero();
            assertThat(Teamwork.openLoadInPostgres(a2.id())).isZero();
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'participant_joined'", c))
                    .isEqualTo(1);
            // An expert may not close it: that stays with the assignee.
            given().auth().oauth2(j2).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(403);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void internalNotesReachStaffAndNeverTheVisitorBySocketRestOrResume() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "break");
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient s1 = Chat.agentSocket(base, j1); WsClient s2 = Chat.agentSocket(base, j2);
             WsClient supervisor = WsClient.open(Chat.base(base), "/ws/agent", Chat.login(team.adminEmail()));
             WsClient v = Chat.visitorSocket(base, visitor.token())) {
            // A supervisor's socket has no status frame: an answered frame shows it is subscribed.
            supervisor.send(frame("sync"));
            supervisor.await(type("error"), WAIT);
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            s1.await(type("assigned", c), WAIT);
            invite(j1, c, a2.id()).then().statusCode(200);

            long expertNote = note(s2, c, "secret from the expert").path("seq").asLong();
            JsonNode atAssignee = s1.await(f -> "message".equals(f.path("type").asText()) && f.path("seq").asLong() == expertNote, WAIT);
            assertThat(atAssignee.path("internal").asBoolean()).isTrue();
            JsonNode atSupervisor = supervisor.await(f -> "message".equals(f.path("type").asText())
                    && f.path("seq").asLong() == expertNote, WAIT);
            assertThat(atSupervisor.path("internal").asBoolean()).isTrue();
            long assigneeNote = note(s1, c, "secret from the assignee").path("seq").asLong();
            s2.await(f -> "message".equals(f.path("type").asText()) && f.path("seq").asLong() == assigneeNote, WAIT);

            // A visible message after the notes: once the visitor has it, the notes would have come before it.
            long visible = Chat.send(s1, c, clientId(), "visible again").path("seq").asLong();
            Chat.received(v, Chat.messageSeq(visible));
            assertThat(v.seen().toString()).doesNotContain("secret");

            String history = given().auth().oauth2(visitor.token()).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).extract().asString();
            assertThat(history).contains("visible again").doesNotContain("secret");

            try (WsClient again = Chat.visitorSocket(base, visitor.token())) {
                again.send(frame("resume", "conversationId", c, "lastSeq", 0));
                Chat.received(again, Chat.messageSeq(visible));
                assertThat(again.seen().toString()).doesNotContain("secret");
            }
            try (WsClient fresh = Chat.visitorSocket(base, visitor.token())) {
                fresh.send(frame("resume"));
                Chat.received(fresh, Chat.messageSeq(visible));
                assertThat(fresh.seen().toString()).doesNotContain("secret");
            }

            // Staff read them, marked internal.
            JsonNode staffHistory = given().auth().oauth2(Chat.login(team.adminEmail())).when()
                    .get("/api/v1/conversations/" + c + "/messages").then().statusCode(200).extract().as(JsonNode.class);
            long internal = 0;
            for (JsonNode m : staffHistory) {
                if (m.path("text").asText().startsWith("secret")) {
                    assertThat(m.path("internal").asBoolean()).isTrue();
                    internal++;
                }
            }
            assertThat(internal).isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anExpertLeavesOrIsRemovedAndThenNoLongerWrites() {
        Fixtures.Team team = Fixtures.team(3, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        var a3 = team.agents().get(2);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        String j3 = Chat.login(a3.email());
        Teamwork.status(j2, "break");
        Teamwork.status(j3, "break");
        try (WsClient s2 = Chat.agentSocket(base, j2);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));
            invite(j1, c, a2.id()).then().statusCode(200);
            invite(j1, c, a2.id()).then().statusCode(409);

            // Agent 3 is neither the expert nor the assignee.
            given().auth().oauth2(j3).when().delete("/api/v1/conversations/" + c + "/participants/" + a2.id()).then().statusCode(403);
            given().auth().oauth2(j2).when().delete("/api/v1/conversations/" + c + "/participants/" + a2.id()).then().statusCode(204);
            assertThat(s2.await(type("unassigned", c), WAIT).path("reason").asText()).isEqualTo("removed");
            given().auth().oauth2(j2).when().delete("/api/v1/conversations/" + c + "/participants/" + a2.id()).then().statusCode(404);

            String id = clientId();
            s2.send(frame("message", "conversationId", c, "clientId", id, "text", "still here?"));
            assertThat(s2.await(errorFor(id), WAIT).path("code").asText()).isEqualTo("forbidden");

            // The assignee removes an expert too.
            invite(j1, c, a3.id()).then().statusCode(200);
            given().auth().oauth2(j1).when().delete("/api/v1/conversations/" + c + "/participants/" + a3.id()).then().statusCode(204);
            assertThat(Fixtures.count("select count(*) from conversation_participants where conversation_id = ?", c)).isZero();
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'participant_left'", c))
                    .isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void expertsSeeTheVisitorTypingLikeTheAssignee() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "break");
        try (WsClient s1 = Chat.agentSocket(base, j1); WsClient s2 = Chat.agentSocket(base, j2);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            s1.await(type("assigned", c), WAIT);
            invite(j1, c, a2.id()).then().statusCode(200);
            s2.await(type("invited", c), WAIT);

            v.send(frame("typing", "conversationId", c));
            s1.await(type("typing", c), WAIT);
            s2.await(type("typing", c), WAIT);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void expertsAreToldLiveThatTheConversationClosed() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "break");
        try (WsClient s1 = Chat.agentSocket(base, j1); WsClient s2 = Chat.agentSocket(base, j2);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            s1.await(type("assigned", c), WAIT);
            invite(j1, c, a2.id()).then().statusCode(200);
            s2.await(type("invited", c), WAIT);

            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(200);
            assertThat(s2.await(type("closed", c), WAIT).path("reason").asText()).isEqualTo("agent");
            s1.await(type("closed", c), WAIT);
            // Nothing more to do there: an expert of a closed conversation may not write into it.
            String id = clientId();
            s2.send(frame("message", "conversationId", c, "clientId", id, "text", "one more thing"));
            assertThat(s2.await(errorFor(id), WAIT).path("code").asText()).isEqualTo("conflict");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void offlineAgentsCannotBeInvitedAndAnotherTenantsIdsAnswerNotFound() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        Teamwork.status(Chat.login(a2.email()), "offline");
        Fixtures.Team stranger = Fixtures.team(1, 5);
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));

            invite(j1, c, a2.id()).then().statusCode(409);
            invite(j1, c, stranger.agents().get(0).id()).then().statusCode(404);
            invite(Chat.login(stranger.adminEmail()), c, stranger.agents().get(0).id()).then().statusCode(404);
            invite(j1, c, a1.id()).then().statusCode(409);
            assertThat(Fixtures.count("select count(*) from conversation_participants where conversation_id = ?", c)).isZero();
        } finally {
            Chat.retire(team.tenantId());
            Chat.retire(stranger.tenantId());
        }
    }
}
