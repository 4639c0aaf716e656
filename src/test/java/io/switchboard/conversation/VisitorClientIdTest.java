package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.ackOf;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A visitor's clientId names one message across all of the visitor's conversations (DESIGN
 * rule 2): a widget that re-sends an unacknowledged first message after the agent closed its
 * conversation gets the original ack, and no second conversation starts.
 */
@QuarkusTest
class VisitorClientIdTest {

    @TestHTTPResource("/")
    URL base;

    /** The visitor's first message, assigned to the team's agent and then closed by them; its ack. */
    private JsonNode firstMessageClosedByTheAgent(Fixtures.Team team, WsClient visitorWs, String clientId) {
        JsonNode ack = Chat.send(visitorWs, null, clientId, "is my order shipped?");
        String conversation = ack.path("conversationId").asText();
        Chat.received(visitorWs, Chat.type("assigned", conversation));
        given().auth().oauth2(Chat.login(team.agents().get(0).email()))
                .when().post("/api/v1/conversations/" + conversation + "/close").then().statusCode(200);
        Chat.received(visitorWs, Chat.type("closed", conversation));
        return ack;
    }

    private static long conversationsOf(Chat.Visitor visitor) {
        return Fixtures.count("select count(*) from conversations where visitor_id = ?", visitor.id());
    }

    private static long messagesOf(Chat.Visitor visitor) {
        return Fixtures.count("select count(*) from messages where sender_kind = 'visitor' and sender_id = ?", visitor.id());
    }

    @Test
    void aClientIdResentAfterTheAgentClosedItsConversationGetsTheOriginalAckAndStartsNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String x = clientId();
            JsonNode original = firstMessageClosedByTheAgent(team, v, x);

            // The widget never saw the ack: it re-sends with no conversation, as a first message...
            JsonNode again = Chat.send(v, null, x, "is my order shipped?");
            assertThat(again.path("conversationId").asText()).isEqualTo(original.path("conversationId").asText());
            assertThat(again.path("seq").asLong()).isEqualTo(original.path("seq").asLong());
            // ...or naming the conversation it has meanwhile learnt was closed.
            JsonNode named = Chat.send(v, original.path("conversationId").asText(), x, "is my order shipped?");
            assertThat(named.path("conversationId").asText()).isEqualTo(original.path("conversationId").asText());
            assertThat(named.path("seq").asLong()).isEqualTo(original.path("seq").asLong());

            assertThat(conversationsOf(visitor)).isEqualTo(1);
            assertThat(messagesOf(visitor)).isEqualTo(1);

            // A new clientId is a new message: it starts the visitor's next conversation.
            JsonNode next = Chat.send(v, null, clientId(), "another question");
            assertThat(next.path("conversationId").asText()).isNotEqualTo(original.path("conversationId").asText());
            assertThat(conversationsOf(visitor)).isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void concurrentResendsOfOneClientIdAfterACloseStoreItOnce() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        List<WsClient> tabs = new ArrayList<>();
        try (WsClient first = Chat.visitorSocket(base, visitor.token())) {
            String x = clientId();
            JsonNode original = firstMessageClosedByTheAgent(team, first, x);
            for (int i = 0; i < 4; i++) {
                tabs.add(Chat.visitorSocket(base, visitor.token()));
            }
            // Every tab re-sends the closed conversation's first message, and a message no
            // conversation holds yet, at the same moment.
            String y = clientId();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (WsClient tab : tabs) {
                sends.add(CompletableFuture.runAsync(() -> {
                    await(go);
                    tab.send(frame("message", "clientId", x, "text", "is my order shipped?"));
                    tab.send(frame("message", "clientId", y, "text", "hello again"));
                }));
            }
            go.countDown();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            String yConversation = null;
            for (WsClient tab : tabs) {
                JsonNode ackX = tab.await(ackOf(x).or(Chat.errorFor(x)), WAIT);
                assertThat(ackX.path("type").asText()).as("%s", ackX).isEqualTo("ack");
                assertThat(ackX.path("conversationId").asText()).isEqualTo(original.path("conversationId").asText());
                assertThat(ackX.path("seq").asLong()).isEqualTo(original.path("seq").asLong());
                JsonNode ackY = Chat.received(tab, ackOf(y).or(Chat.errorFor(y)));
                assertThat(ackY.path("type").asText()).as("%s", ackY).isEqualTo("ack");
                if (yConversation == null) {
                    yConversation = ackY.path("conversationId").asText();
                }
                assertThat(ackY.path("conversationId").asText()).isEqualTo(yConversation);
                assertThat(ackY.path("seq").asLong()).isEqualTo(1);
            }
            assertThat(conversationsOf(visitor)).isEqualTo(2);
            assertThat(messagesOf(visitor)).isEqualTo(2);
            assertThat(Fixtures.count("select count(*) from messages where sender_id = ? and client_id = ?", visitor.id(), x)).isOne();
            assertThat(Fixtures.count("select count(*) from messages where sender_id = ? and client_id = ?", visitor.id(), y)).isOne();
        } finally {
            tabs.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anotherVisitorsClientIdIsNotTheirs() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor alice = Chat.visitor(team.channelKey());
        Chat.Visitor bob = Chat.visitor(team.channelKey());
        try (WsClient a = Chat.visitorSocket(base, alice.token()); WsClient b = Chat.visitorSocket(base, bob.token())) {
            String shared = clientId();
            JsonNode fromAlice = Chat.send(a, null, shared, "alice here");
            JsonNode fromBob = Chat.send(b, null, shared, "bob here");
            // Bob learns nothing of Alice's message: his own is stored, in his own conversation.
            assertThat(fromBob.path("conversationId").asText()).isNotEqualTo(fromAlice.path("conversationId").asText());
            assertThat(messagesOf(bob)).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
