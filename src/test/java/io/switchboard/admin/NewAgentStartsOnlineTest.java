package io.switchboard.admin;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** FEATURES B3: new agents start online; a status the agent chose survives re-login. */
@QuarkusTest
class NewAgentStartsOnlineTest {

    private static final String PASSWORD = "long-enough";

    @TestHTTPResource("/")
    URL base;

    private static String createAgent(Fixtures.Team team, String email) {
        return given().auth().oauth2(Chat.login(team.adminEmail())).contentType(ContentType.JSON)
                .body(Map.of("email", email, "name", "Nina", "password", PASSWORD, "groupIds", List.of(team.groupId())))
                .when().post("/api/v1/admin/agents")
                .then().statusCode(201).body("status", equalTo("online"))
                .extract().path("id");
    }

    private static String login(String email) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", PASSWORD))
                .when().post("/api/v1/auth/login").then().statusCode(200).extract().path("token");
    }

    private static String email() {
        return "new-" + UUID.randomUUID().toString().substring(0, 8) + "@test.test";
    }

    private static void awaitAssignedTo(String conversationId, String agentId) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Fixtures.count(
                "select count(*) from conversations where id = ? and assignee_id = ? and state = 'open'",
                conversationId, agentId)).isEqualTo(1));
    }

    @Test
    void aNewAgentGetsAnAutomaticAssignmentWithoutSettingAStatusFirst() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String email = email();
        String agentId = createAgent(team, email);
        given().auth().oauth2(login(email)).when().get("/api/v1/me").then().statusCode(200).body("status", equalTo("online"));
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String id = Chat.send(visitor, null, Chat.clientId(), "hello").path("conversationId").asText();
            awaitAssignedTo(id, agentId);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aVisitorWaitingBeforeTheFirstAgentIsCreatedIsServedByThemAtOnce() {
        Fixtures.Team team = Fixtures.team(0, 5);
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String id = Chat.send(visitor, null, Chat.clientId(), "anyone there?").path("conversationId").asText();
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", id)).isEqualTo(1);
            String agentId = createAgent(team, email());
            awaitAssignedTo(id, agentId);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aStatusTheAgentChoseSurvivesReLogin() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String email = email();
        createAgent(team, email);
        given().auth().oauth2(login(email)).contentType(ContentType.JSON).body(Map.of("status", "break"))
                .when().put("/api/v1/agents/me/status").then().statusCode(200).body("status", equalTo("break"));
        given().auth().oauth2(login(email)).when().get("/api/v1/me").then().statusCode(200).body("status", equalTo("break"));
    }
}
