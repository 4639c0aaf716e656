package io.switchboard.timer;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Auto-close and auto-reassign (B6). In tests a settings "minute" lasts one second
 * ({@code switchboard.timers.minute}), so the settings below are seconds.
 */
@QuarkusTest
class ConversationTimersTest {

    @TestHTTPResource("/")
    URL base;

    private static void settings(Fixtures.Team team, Map<String, Object> body) {
        given().auth().oauth2(Chat.login(team.adminEmail())).contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/admin/settings").then().statusCode(200);
    }

    private static String agentName(Fixtures.Team team, String id) {
        return team.agents().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow().email();
    }

    @Test
    void aSilentVisitorsConversationClosesOnceWithASystemMessage() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agentId = team.agents().get(0).id();
        settings(team, Map.of("autoCloseMinutes", 2));
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            JsonNode closed = v.await(Chat.type("closed", c), Duration.ofSeconds(10));
            assertThat(closed.path("reason").asText()).isEqualTo("timeout");
            assertThat(v.seen().stream().anyMatch(f -> "message".equals(f.path("type").asText())
                    && "system".equals(f.path("sender").path("kind").asText())
                    && f.path("text").asText().startsWith("Closed after 2 minutes"))).isTrue();
            // Let a few more polls pass: it fired once and only once.
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'auto_closed'", c)).isOne();
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'closed'", c)).isOne();
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'system'", c)).isOne();
            given().auth().oauth2(Chat.login(team.agents().get(0).email())).when().get("/api/v1/me")
                    .then().statusCode(200).body("load", org.hamcrest.Matchers.equalTo(0));
            assertThat(agentId).isNotNull();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aSilentAgentLosesTheConversationToAnotherOnceAndAReplyStopsTheClock() {
        Fixtures.Team team = Fixtures.team(2, 5);
        settings(team, Map.of("autoReassignMinutes", 2));
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            String first = Chat.received(v, Chat.type("assigned", c)).path("agent").path("id").asText();
            String other = team.agents().stream().map(Fixtures.Agent::id).filter(id -> !id.equals(first)).findFirst().orElseThrow();

            try (WsClient otherAgent = Chat.agentSocket(base, Chat.login(agentName(team, other)))) {
                JsonNode second = v.await(f -> "assigned".equals(f.path("type").asText())
                        && !first.equals(f.path("agent").path("id").asText()), Duration.ofSeconds(10));
                assertThat(second.path("agent").path("id").asText()).isEqualTo(other);
                // The new agent answers at once: their clock stops and the conversation stays.
                Chat.send(otherAgent, c, clientId(), "I am here");
            }
            await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'reassigned'", c)).isOne();
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ? and state = 'open'", c, other)).isOne();
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'system'", c)).isOne();
            // The silent agent's capacity came back.
            given().auth().oauth2(Chat.login(agentName(team, first))).when().get("/api/v1/me")
                    .then().body("load", org.hamcrest.Matchers.equalTo(0));
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
