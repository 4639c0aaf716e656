package io.switchboard.agent;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.hasItem;

/** C11: the console header's figures, for the calling agent, within their tenant. */
@QuarkusTest
class AgentFiguresTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void figuresCountTheAgentsQueueAndWhatTheyReceivedToday() {
        Fixtures.Team team = Fixtures.team(1, 1);
        Fixtures.Team other = Fixtures.team(1, 5);
        try (WsClient first = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient second = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String served = Chat.send(first, null, clientId(), "first").path("conversationId").asText();
            Chat.received(first, type("assigned", served));
            String waiting = Chat.send(second, null, clientId(), "second").path("conversationId").asText();
            Chat.received(second, type("queued", waiting));

            given().auth().oauth2(Chat.login(team.agents().get(0).email()))
                    .when().get("/api/v1/agents/me/figures?tz=Asia/Shanghai")
                    .then().statusCode(200)
                    .body("status", equalTo("online"))
                    .body("load", equalTo(1))
                    .body("maxConcurrent", equalTo(1))
                    .body("queueLength", equalTo(1))
                    .body("receivedToday", equalTo(1));

            // Another tenant's agent sees none of it.
            given().auth().oauth2(Chat.login(other.agents().get(0).email()))
                    .when().get("/api/v1/agents/me/figures")
                    .then().statusCode(200)
                    .body("queueLength", equalTo(0))
                    .body("receivedToday", equalTo(0));
        } finally {
            Chat.retire(team.tenantId());
            Chat.retire(other.tenantId());
        }
    }

    @Test
    void theQueueFigureCountsOnlyWhatTheAgentsQueueViewShows() throws SQLException {
        // Two agents of one group; the first serves only a second channel, where nobody waits.
        Fixtures.Team team = Fixtures.team(2, 1);
        String admin = Chat.login(team.adminEmail());
        String other = UUID.randomUUID().toString();
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'App', ?, 's', ?)")) {
            ps.setObject(1, UUID.fromString(other));
            ps.setObject(2, UUID.fromString(team.tenantId()));
            ps.setString(3, "web2-" + UUID.randomUUID().toString().substring(0, 8));
            ps.setObject(4, UUID.fromString(team.groupId()));
            ps.executeUpdate();
        }
        String limited = team.agents().get(0).id();
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("channelIds", List.of(other)))
                .when().put("/api/v1/admin/agents/" + limited).then().statusCode(200);
        try (WsClient first = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient second = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            // The second agent takes one on the first channel (capacity 1); the next one waits there.
            String served = Chat.send(first, null, clientId(), "first").path("conversationId").asText();
            Chat.received(first, type("assigned", served));
            String waiting = Chat.send(second, null, clientId(), "second").path("conversationId").asText();
            Chat.received(second, type("queued", waiting));

            String limitedToken = Chat.login(team.agents().get(0).email());
            given().auth().oauth2(limitedToken).when().get("/api/v1/queue").then().statusCode(200)
                    .body("$", hasSize(0));
            given().auth().oauth2(limitedToken).when().get("/api/v1/agents/me/figures")
                    .then().statusCode(200).body("queueLength", equalTo(0));
            given().auth().oauth2(Chat.login(team.agents().get(1).email())).when().get("/api/v1/agents/me/figures")
                    .then().statusCode(200).body("queueLength", equalTo(1));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aConversationAssignedBeforeTodayIsNotCounted() throws SQLException {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String id = Chat.send(visitor, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(visitor, type("assigned", id));
            try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                    "update conversations set assigned_at = now() - interval '2 days' where id = ?")) {
                ps.setObject(1, UUID.fromString(id));
                ps.executeUpdate();
            }
            given().auth().oauth2(Chat.login(team.agents().get(0).email()))
                    .when().get("/api/v1/agents/me/figures?tz=UTC")
                    .then().statusCode(200)
                    .body("load", equalTo(1))
                    .body("receivedToday", equalTo(0));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anUnknownTimeZoneIsAFieldError() {
        Fixtures.Team team = Fixtures.team(1, 5);
        given().auth().oauth2(Chat.login(team.agents().get(0).email()))
                .when().get("/api/v1/agents/me/figures?tz=Mars/Olympus")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("tz"));
    }

    @Test
    void onlyAgentsHaveFigures() {
        Fixtures.Team team = Fixtures.team(0, 5);
        given().auth().oauth2(Chat.login(team.adminEmail()))
                .when().get("/api/v1/agents/me/figures")
                .then().statusCode(403);
    }
}
