package io.switchboard.conversation;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** The conversation list carries what a console row shows: unread count (C2) and a preview. */
@QuarkusTest
class ConversationListTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void listRowsCountTheVisitorsUnreadMessagesAndPreviewTheLatest() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agent = Chat.agentSocket(base, jwt);
             WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String id = Chat.send(visitor, null, clientId(), "first").path("conversationId").asText();
            agent.await(type("assigned", id), Chat.WAIT);
            Chat.send(visitor, id, clientId(), "second");

            given().auth().oauth2(jwt).when().get("/api/v1/conversations?state=open")
                    .then().statusCode(200)
                    .body("id", contains(id))
                    .body("[0].unread", equalTo(2))
                    .body("[0].preview", equalTo("second"));

            // The agent reads up to the second message and replies: nothing unread, the reply is the preview.
            agent.send(frame("read", "conversationId", id, "seq", 2));
            Chat.send(agent, id, clientId(), "x".repeat(300));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    given().auth().oauth2(jwt).when().get("/api/v1/conversations?state=open")
                            .then().statusCode(200)
                            .body("[0].unread", equalTo(0))
                            .body("[0].preview", equalTo("x".repeat(ConversationResource.PREVIEW_CHARS))));

            // One conversation on its own carries neither: they belong to lists.
            given().auth().oauth2(jwt).when().get("/api/v1/conversations/" + id)
                    .then().statusCode(200)
                    .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("unread")));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anotherAgentsMessagesAreNotUnreadForTheVisitorSide() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agent = Chat.agentSocket(base, jwt);
             WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String id = Chat.send(visitor, null, clientId(), "hello").path("conversationId").asText();
            agent.await(type("assigned", id), Chat.WAIT);
            agent.send(frame("read", "conversationId", id, "seq", 1));
            // Only visitor messages count as unread for the agent: their own replies never do.
            Chat.send(agent, id, clientId(), "hi");
            Chat.send(agent, id, clientId(), "how can I help?");
            given().auth().oauth2(jwt).when().get("/api/v1/conversations?state=open")
                    .then().statusCode(200)
                    .body("$", hasSize(1))
                    .body("[0].unread", equalTo(0));
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
