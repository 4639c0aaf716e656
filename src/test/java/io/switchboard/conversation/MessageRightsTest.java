package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.errorFor;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may write into a conversation, and what a refused, repeated or late message gets.
 * The message statement checks the sender's right itself, so these rules hold in SQL and
 * in the service's answer alike: each test checks the frames and what PostgreSQL holds.
 */
@QuarkusTest
class MessageRightsTest {

    @TestHTTPResource("/")
    URL base;

    /** A conversation of a fresh team, assigned to its only agent, with the visitor's first message stored. */
    private record Scene(Fixtures.Team team, Chat.Visitor visitor, String conversationId) {}

    private Scene assignedConversation() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agent = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient ws = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(ws, null, clientId(), "hello").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);
            return new Scene(team, visitor, c);
        }
    }

    private static long messages(String conversationId) {
        return Fixtures.count("select count(*) from messages where conversation_id = ?", conversationId);
    }

    @Test
    void visitorOfAnotherTenantWritingByIdGetsNotFoundAndNothingIsStored() {
        Scene scene = assignedConversation();
        Chat.Visitor stranger = Chat.visitor(Fixtures.team(1, 5).channelKey());
        try (WsClient ws = Chat.visitorSocket(base, stranger.token())) {
            String id = clientId();
            ws.send(frame("message", "conversationId", scene.conversationId(), "clientId", id, "text", "let me in"));
            assertThat(ws.await(errorFor(id), WAIT).path("code").asText()).isEqualTo("not_found");
            assertThat(messages(scene.conversationId())).isEqualTo(1);
            assertThat(Fixtures.count("select last_seq from conversations where id = ?", scene.conversationId())).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversations where visitor_id = ?", stranger.id())).isZero();
        } finally {
            Chat.retire(scene.team().tenantId());
        }
    }

    @Test
    void closedConversationTakesNoMoreMessagesAndAResentClientIdGetsItsOriginalAck() {
        Scene scene = assignedConversation();
        String first = scene.conversationId();
        try (WsClient ws = Chat.visitorSocket(base, scene.visitor().token())) {
            String id = clientId();
            assertThat(Chat.send(ws, first, id, "are you there?").path("seq").asLong()).isEqualTo(2);
            ws.send(frame("close", "conversationId", first));
            ws.await(type("closed", first), WAIT);

            // The widget never saw the ack, say, and sends the message again after the close:
            // it is the same message, answered with its original ack, stored once.
            JsonNode ack = Chat.send(ws, first, id, "are you there?");
            assertThat(ack.path("conversationId").asText()).isEqualTo(first);
            assertThat(ack.path("seq").asLong()).isEqualTo(2);
            assertThat(Fixtures.count("select count(*) from messages where client_id = ?", id)).isEqualTo(1);

            // A new message does not go into the closed conversation: it starts another.
            JsonNode next = Chat.send(ws, first, clientId(), "one more thing");
            String second = next.path("conversationId").asText();
            assertThat(second).isNotEqualTo(first);
            assertThat(next.path("seq").asLong()).isEqualTo(1);
            assertThat(messages(first)).isEqualTo(2);
        } finally {
            Chat.retire(scene.team().tenantId());
        }
    }

    @Test
    void visitorMessageReachesTheAgentWithTheVisitorsName() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String visitorToken = given().contentType(ContentType.JSON).body(Map.of("name", "Ada Lovelace"))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200).extract().path("visitorToken");
        Chat.Visitor anonymous = Chat.visitor(team.channelKey());
        try (WsClient agent = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient named = Chat.visitorSocket(base, visitorToken);
             WsClient plain = Chat.visitorSocket(base, anonymous.token())) {
            String c1 = Chat.send(named, null, clientId(), "first").path("conversationId").asText();
            String c2 = Chat.send(plain, null, clientId(), "first").path("conversationId").asText();
            // Routed one after the other, but either may be assigned first.
            Chat.received(agent, type("assigned", c1));
            Chat.received(agent, type("assigned", c2));

            // Later messages name their sender as the first one's replay did.
            Chat.send(named, c1, clientId(), "second from Ada");
            Chat.send(plain, c2, clientId(), "second, anonymous");
            JsonNode fromAda = agent.await(f -> "second from Ada".equals(f.path("text").asText()), WAIT);
            JsonNode fromAnonymous = agent.await(f -> "second, anonymous".equals(f.path("text").asText()), WAIT);
            assertThat(fromAda.path("sender").path("name").asText()).isEqualTo("Ada Lovelace");
            assertThat(fromAnonymous.path("sender").path("name").asText()).startsWith("Visitor #");
            assertThat(fromAnonymous.path("sender").path("id").asText()).isEqualTo(anonymous.id());
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void supervisorMayWriteIntoAConversationAssignedToAnAgent() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agentWs = Chat.agentSocket(base, Chat.login(agent.email()));
             WsClient visitorWs = Chat.visitorSocket(base, visitor.token());
             WsClient supervisor = WsClient.open(Chat.base(base), "/ws/agent", Chat.login(team.adminEmail()))) {
            String c = Chat.send(visitorWs, null, clientId(), "hello").path("conversationId").asText();
            agentWs.await(type("assigned", c), WAIT);

            JsonNode ack = Chat.send(supervisor, c, clientId(), "a supervisor here");
            assertThat(ack.path("seq").asLong()).isEqualTo(2);
            // Both the visitor and the assignee hear it.
            assertThat(visitorWs.await(type("message", c), WAIT).path("text").asText()).isEqualTo("a supervisor here");
            assertThat(agentWs.await(f -> "a supervisor here".equals(f.path("text").asText()), WAIT)
                    .path("sender").path("kind").asText()).isEqualTo("agent");
            assertThat(messages(c)).isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void staffWritingIntoAClosedConversationGetsConflictButAResentClientIdItsOriginalAck() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agentWs = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient visitorWs = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(visitorWs, null, clientId(), "hello").path("conversationId").asText();
            agentWs.await(type("assigned", c), WAIT);
            String reply = clientId();
            assertThat(Chat.send(agentWs, c, reply, "bye").path("seq").asLong()).isEqualTo(2);
            agentWs.send(frame("close", "conversationId", c));
            agentWs.await(type("closed", c), WAIT);

            String late = clientId();
            agentWs.send(frame("message", "conversationId", c, "clientId", late, "text", "one more thing"));
            assertThat(agentWs.await(errorFor(late), WAIT).path("code").asText()).isEqualTo("conflict");
            // A resend of what was stored before the close is the same message, answered as before.
            JsonNode again = Chat.send(agentWs, c, reply, "bye");
            assertThat(again.path("seq").asLong()).isEqualTo(2);
            assertThat(again.path("conversationId").asText()).isEqualTo(c);
            assertThat(messages(c)).isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void staffWritingIntoAnUnknownConversationGetsNotFound() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient agentWs = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()))) {
            String id = clientId();
            String nowhere = java.util.UUID.randomUUID().toString();
            agentWs.send(frame("message", "conversationId", nowhere, "clientId", id, "text", "hello?"));
            assertThat(agentWs.await(errorFor(id), WAIT).path("code").asText()).isEqualTo("not_found");
            assertThat(messages(nowhere)).isZero();
        }
    }
}
