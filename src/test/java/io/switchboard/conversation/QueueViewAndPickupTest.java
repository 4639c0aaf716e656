package io.switchboard.conversation;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Queue order by channel priority, the staff queue view, pick-up and assignment by hand (B2, B4). */
@QuarkusTest
class QueueViewAndPickupTest {

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    /** A second web channel on the team's group, with the given queue priority. */
    private static String[] channel(Fixtures.Team team, int priority) {
        String id = UUID.randomUUID().toString();
        String key = "web-" + id.substring(0, 8);
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id, priority) values (?, ?, 'web', 'VIP', ?, 's', ?, ?)")) {
            ps.setObject(1, UUID.fromString(id));
            ps.setObject(2, UUID.fromString(team.tenantId()));
            ps.setString(3, key);
            ps.setObject(4, UUID.fromString(team.groupId()));
            ps.setInt(5, priority);
            ps.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new String[] {id, key};
    }

    @Test
    void aHigherPriorityChannelIsServedFirstAndTheQueueViewShowsServingOrder() {
        Fixtures.Team team = Fixtures.team(1, 1);
        String[] vip = channel(team, 5);
        String agent = Chat.login(team.agents().get(0).email());
        try (WsClient busy = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient early = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient late = Chat.visitorSocket(base, Chat.visitor(vip[1]).token())) {
            String first = Chat.send(busy, null, clientId(), "first").path("conversationId").asText();
            Chat.received(busy, Chat.type("assigned"));
            String a = Chat.send(early, null, clientId(), "waiting long").path("conversationId").asText();
            Chat.received(early, Chat.queuedAt(a, 1));
            String b = Chat.send(late, null, clientId(), "vip").path("conversationId").asText();
            // The VIP visitor goes ahead of the one who came earlier on the ordinary channel.
            Chat.received(late, Chat.queuedAt(b, 1));
            Chat.received(early, Chat.queuedAt(a, 2));

            as(agent).when().get("/api/v1/queue").then().statusCode(200)
                    .body("conversationId", contains(b, a))
                    .body("position", contains(1, 2));
            as(agent).queryParam("channelId", team.channelId()).when().get("/api/v1/queue").then()
                    .body("conversationId", contains(a));
            as(agent).queryParam("minWaitSeconds", 3600).when().get("/api/v1/queue").then().body("$", empty());
            as(agent).queryParam("minWaitSeconds", -1).when().get("/api/v1/queue").then().statusCode(400);

            as(agent).when().post("/api/v1/conversations/" + first + "/close").then().statusCode(200);
            Chat.received(late, Chat.type("assigned", b));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", a)).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anAgentPicksUpBeyondTheLimitAndTheLoadCounts() {
        Fixtures.Team team = Fixtures.team(1, 1);
        String agentId = team.agents().get(0).id();
        String agent = Chat.login(team.agents().get(0).email());
        try (WsClient one = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient two = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            Chat.send(one, null, clientId(), "one");
            Chat.received(one, Chat.type("assigned"));
            String waiting = Chat.send(two, null, clientId(), "two").path("conversationId").asText();
            Chat.received(two, Chat.queuedAt(waiting, 1));

            as(agent).when().post("/api/v1/conversations/" + waiting + "/pickup").then().statusCode(200)
                    .body("state", equalTo("open")).body("assignee.id", equalTo(agentId));
            Chat.received(two, Chat.type("assigned", waiting));
            as(agent).when().get("/api/v1/me").then().body("load", equalTo(2)).body("maxConcurrent", equalTo(1));
            as(agent).when().post("/api/v1/conversations/" + waiting + "/pickup").then().statusCode(409);
            as(agent).when().get("/api/v1/me").then().body("load", equalTo(2));
            as(agent).when().get("/api/v1/conversations/" + waiting + "/routing").then().statusCode(200)
                    .body("find { it.kind == 'assigned' }.why.manual", equalTo("pickup"));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void supervisorsAssignAWaitingConversationByHandInsideTheirTenantOnly() {
        Fixtures.Team team = Fixtures.team(2, 1);
        Fixtures.Team other = Fixtures.team(1, 1);
        String admin = Chat.login(team.adminEmail());
        String second = team.agents().get(1).id();
        try (WsClient one = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient two = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient three = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c1 = Chat.send(one, null, clientId(), "one").path("conversationId").asText();
            Chat.received(one, Chat.type("assigned"));
            Chat.send(two, null, clientId(), "two");
            Chat.received(two, Chat.type("assigned"));
            String waiting = Chat.send(three, null, clientId(), "three").path("conversationId").asText();
            Chat.received(three, Chat.queuedAt(waiting, 1));

            as(admin).body(Map.of("agentId", other.agents().get(0).id()))
                    .when().post("/api/v1/conversations/" + waiting + "/assign")
                    .then().statusCode(400).body("errors[0].field", equalTo("agentId"));
            as(Chat.login(other.adminEmail())).body(Map.of("agentId", other.agents().get(0).id()))
                    .when().post("/api/v1/conversations/" + waiting + "/assign").then().statusCode(404);
            as(Chat.login(team.agents().get(0).email())).body(Map.of("agentId", second))
                    .when().post("/api/v1/conversations/" + waiting + "/assign").then().statusCode(403);

            as(admin).body(Map.of("agentId", second)).when().post("/api/v1/conversations/" + waiting + "/assign")
                    .then().statusCode(200).body("assignee.id", equalTo(second));
            Chat.received(three, Chat.type("assigned", waiting));
            assertThat(Fixtures.count("select count(*) from conversations where assignee_id = ? and state = 'open'", second))
                    .isEqualTo(2);

            // The automatic assignment explains itself: strategy, candidates with their loads, the choice.
            as(admin).when().get("/api/v1/conversations/" + c1 + "/routing").then().statusCode(200)
                    .body("find { it.kind == 'assigned' }.why.strategy", equalTo("least-load"))
                    .body("find { it.kind == 'assigned' }.why.candidates", hasSize(2));
            as(Chat.login(other.adminEmail())).when().get("/api/v1/conversations/" + c1 + "/routing").then().statusCode(404);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
