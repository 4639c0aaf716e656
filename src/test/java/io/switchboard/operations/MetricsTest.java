package io.switchboard.operations;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The figures docs/operations.md promises exist on /q/metrics and move with the traffic they describe. */
@QuarkusTest
class MetricsTest {

    @TestHTTPResource("/")
    URL base;

    /** The value of one Prometheus series, 0 when absent. */
    private static double metric(String series) {
        String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static void setStatus(String jwt, String status) {
        given().contentType("application/json").header("Authorization", "Bearer " + jwt)
                .body(java.util.Map.of("status", status)).put("/api/v1/agents/me/status").then().statusCode(200);
    }

    @Test
    void socketsMessagesAndPubSubLagAreCounted() {
        Fixtures.Team team = Fixtures.team(1, 5);
        double visitorsBefore = metric("switchboard_sockets_open{kind=\"visitor\"}");
        double staffBefore = metric("switchboard_sockets_open{kind=\"staff\"}");
        double storedBefore = metric("switchboard_messages_stored_total{sender=\"visitor\"}");
        double agentStoredBefore = metric("switchboard_messages_stored_total{sender=\"agent\"}");
        double lagBefore = metric("switchboard_pubsub_lag_seconds_count");
        try (WsClient agent = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            visitor.send("{\"type\":\"sync\"}");
            visitor.awaitType("error");
            assertThat(metric("switchboard_sockets_open{kind=\"visitor\"}")).isEqualTo(visitorsBefore + 1);
            assertThat(metric("switchboard_sockets_open{kind=\"staff\"}")).isEqualTo(staffBefore + 1);

            String first = clientId();
            JsonNode ack = Chat.send(visitor, null, first, "hello");
            String conversation = ack.path("conversationId").asText();
            // Re-sent: acknowledged again, stored (and counted) once.
            Chat.send(visitor, conversation, first, "hello");
            agent.await(type("message", conversation), WAIT);
            Chat.send(agent, conversation, clientId(), "hi");
            assertThat(metric("switchboard_messages_stored_total{sender=\"visitor\"}")).isEqualTo(storedBefore + 1);
            assertThat(metric("switchboard_messages_stored_total{sender=\"agent\"}")).isEqualTo(agentStoredBefore + 1);
            // The agent heard of the conversation through Redis: deliveries were timed.
            assertThat(metric("switchboard_pubsub_lag_seconds_count")).isGreaterThan(lagBefore);
        } finally {
            Chat.retire(team.tenantId());
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(metric("switchboard_sockets_open{kind=\"visitor\"}")).isEqualTo(visitorsBefore);
            assertThat(metric("switchboard_sockets_open{kind=\"staff\"}")).isEqualTo(staffBefore);
        });
    }

    @Test
    void queueLengthAndAssignmentLatencyFollowTheDatabase() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        setStatus(jwt, "offline");
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            // No agent online: the conversation waits, and the periodic refresh (1 s in tests) sees it.
            String conversation = Chat.send(visitor, null, clientId(), "anyone there?").path("conversationId").asText();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(metric("switchboard_queue_length"))
                    .as("queue length; queued rows now: %d", Fixtures.count("select count(*) from conversations where state = 'queued'"))
                    .isGreaterThanOrEqualTo(1));
            double assignedBefore = metric("switchboard_assignment_latency_seconds_count");

            // The agent comes online and takes it: one assignment, timed from queued to assigned.
            try (WsClient agent = Chat.agentSocket(base, jwt)) {
                setStatus(jwt, "online");
                // (Its console may learn of it from its first status frame or an assigned frame: the database decides.)
                await().atMost(WAIT).until(() -> Fixtures.count(
                        "select count(*) from conversations where id = ? and state = 'open'", conversation) == 1);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> metric("switchboard_assignment_latency_seconds_count") >= assignedBefore + 1);
                assertThat(metric("switchboard_assignment_latency_seconds_max")).isGreaterThan(0);
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
