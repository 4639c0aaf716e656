package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.errorFor;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/** DESIGN rule 5: every tenant is sealed, and a visitor sees only their own conversations. */
@QuarkusTest
class TenantIsolationTest {

    @TestHTTPResource("/")
    URL base;

    /** An open conversation in a fresh team: one visitor, assigned to the team's first agent. */
    private record Scene(Fixtures.Team team, Chat.Visitor visitor, String conversationId) {}

    private Scene openConversation(int agents) {
        Fixtures.Team team = Fixtures.team(agents, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient ws = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(ws, null, clientId(), "my account number is 12345").path("conversationId").asText();
            Chat.received(ws, type("assigned", c));
            return new Scene(team, visitor, c);
        }
    }

    @Test
    void staffOfAnotherTenantGet404ForConversationMessagesAndClose() {
        Scene b = openConversation(1);
        Fixtures.Team a = Fixtures.team(1, 5);
        String c = b.conversationId();
        try {
            // The widest view in tenant A (admin and supervisor) and a plain agent alike.
            for (String jwt : List.of(Chat.login(a.adminEmail()), Chat.login(a.agents().get(0).email()))) {
                given().auth().oauth2(jwt).when().get("/api/v1/conversations/" + c)
                        .then().statusCode(404).contentType(startsWith("application/problem+json"));
                given().auth().oauth2(jwt).when().get("/api/v1/conversations/" + c + "/messages")
                        .then().statusCode(404).contentType(startsWith("application/problem+json"));
                given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + c + "/close")
                        .then().statusCode(404).contentType(startsWith("application/problem+json"));
                given().auth().oauth2(jwt).when().get("/api/v1/conversations")
                        .then().statusCode(200).body("id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(c)));
            }
            // Untouched, and still readable inside its own tenant.
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open'", c)).isEqualTo(1);
            String adminB = Chat.login(b.team().adminEmail());
            given().auth().oauth2(adminB).when().get("/api/v1/conversations/" + c)
                    .then().statusCode(200).body("id", equalTo(c)).body("state", equalTo("open"));
            given().auth().oauth2(adminB).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).body("$", hasSize(1)).body("[0].text", equalTo("my account number is 12345"));
        } finally {
            Chat.retire(b.team().tenantId());
        }
    }

    @Test
    void staffSocketOfAnotherTenantCannotResumeOrWriteIntoAConversation() {
        Scene b = openConversation(1);
        Fixtures.Team a = Fixtures.team(1, 5);
        String c = b.conversationId();
        try (WsClient admin = WsClient.open(Chat.base(base), "/ws/agent", Chat.login(a.adminEmail()))) {
            admin.send(frame("resume", "cursors", List.of(Map.of("conversationId", c, "lastSeq", 0))));
            JsonNode error = admin.awaitType("error");
            assertThat(error.path("code").asText()).isEqualTo("not_found");
            assertThat(admin.seen()).noneMatch(type("message"));

            admin.send(frame("message", "conversationId", c, "clientId", "x-tenant", "text", "hello from A"));
            assertThat(admin.await(errorFor("x-tenant"), WAIT).path("code").asText()).isEqualTo("not_found");
            admin.send(frame("close", "conversationId", c));
            assertThat(admin.awaitType("error").path("code").asText()).isEqualTo("not_found");

            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", c)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open'", c)).isEqualTo(1);
        } finally {
            Chat.retire(b.team().tenantId());
        }
    }

    @Test
    void visitorCannotReadAnotherVisitorsMessages() {
        Scene scene = openConversation(1);
        String c = scene.conversationId();
        try {
            // Their own: fine.
            given().auth().oauth2(scene.visitor().token()).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).body("$", hasSize(1));
            // Another visitor of the same channel, and a visitor of another tenant: as if it did not exist.
            Chat.Visitor neighbour = Chat.visitor(scene.team().channelKey());
            Chat.Visitor stranger = Chat.visitor(Fixtures.team(1, 5).channelKey());
            for (Chat.Visitor other : List.of(neighbour, stranger)) {
                given().auth().oauth2(other.token()).when().get("/api/v1/conversations/" + c + "/messages")
                        .then().statusCode(404).contentType(startsWith("application/problem+json"));
            }
            // Visitors never get the staff view of a conversation.
            given().auth().oauth2(scene.visitor().token()).when().get("/api/v1/conversations/" + c)
                    .then().statusCode(403);
        } finally {
            Chat.retire(scene.team().tenantId());
        }
    }

    @Test
    void visitorReadsTheirOwnMessagesWithoutInternalNotes() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agent = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient ws = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(ws, null, clientId(), "hi").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);
            agent.send(frame("message", "conversationId", c, "clientId", "note", "text", "secret note", "internal", true));
            agent.await(Chat.ackOf("note"), WAIT);
            Chat.send(agent, c, clientId(), "public reply");

            given().auth().oauth2(visitor.token()).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).body("seq", org.hamcrest.Matchers.contains(1, 3))
                    .body("text", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("secret note")));
            given().auth().oauth2(Chat.login(team.adminEmail())).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).body("seq", org.hamcrest.Matchers.contains(1, 2, 3));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void visitorCannotResumeOrCloseAnotherVisitorsConversation() {
        Scene scene = openConversation(1);
        String c = scene.conversationId();
        Chat.Visitor neighbour = Chat.visitor(scene.team().channelKey());
        try (WsClient ws = Chat.visitorSocket(base, neighbour.token())) {
            ws.send(frame("resume", "conversationId", c, "lastSeq", 0));
            JsonNode error = ws.awaitType("error");
            assertThat(error.path("code").asText()).isEqualTo("not_found");

            ws.send(frame("close", "conversationId", c));
            assertThat(ws.awaitType("error").path("code").asText()).isEqualTo("not_found");

            // Nor can they write into it by id.
            String id = clientId();
            ws.send(frame("message", "conversationId", c, "clientId", id, "text", "let me in"));
            assertThat(ws.await(errorFor(id), WAIT).path("code").asText()).isEqualTo("not_found");
            assertThat(Fixtures.count("select count(*) from conversations where visitor_id = ?", neighbour.id())).isZero();

            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", c)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open'", c)).isEqualTo(1);
        } finally {
            Chat.retire(scene.team().tenantId());
        }
    }

    @Test
    void agentNotAssignedCannotSendIntoSomeoneElsesConversation() {
        Fixtures.Team team = Fixtures.team(2, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        Fixtures.Agent first = team.agents().get(0);
        Fixtures.Agent second = team.agents().get(1);
        try (WsClient a1 = Chat.agentSocket(base, Chat.login(first.email()));
             WsClient a2 = Chat.agentSocket(base, Chat.login(second.email()));
             WsClient ws = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(ws, null, clientId(), "hello").path("conversationId").asText();
            String assignee = Chat.received(ws, type("assigned", c)).path("agent").path("id").asText();
            WsClient outsider = assignee.equals(first.id()) ? a2 : a1;

            String id = clientId();
            outsider.send(frame("message", "conversationId", c, "clientId", id, "text", "let me butt in"));
            assertThat(outsider.await(errorFor(id), WAIT).path("code").asText()).isEqualTo("forbidden");
            outsider.send(frame("close", "conversationId", c));
            assertThat(outsider.awaitType("error").path("code").asText()).isEqualTo("forbidden");

            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", c)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open' and assignee_id = ?",
                    c, assignee)).isEqualTo(1);
            // The visitor heard nothing from the outsider: the assignee's next message is the next one they get.
            WsClient owner = outsider == a1 ? a2 : a1;
            Chat.send(owner, c, clientId(), "I am your agent");
            assertThat(ws.await(type("message", c), WAIT).path("text").asText()).isEqualTo("I am your agent");

            // Nor can the outsider close it by REST.
            String outsiderJwt = Chat.login(outsider == a1 ? first.email() : second.email());
            given().auth().oauth2(outsiderJwt).when().post("/api/v1/conversations/" + c + "/close")
                    .then().statusCode(403).contentType(startsWith("application/problem+json"));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open'", c)).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
