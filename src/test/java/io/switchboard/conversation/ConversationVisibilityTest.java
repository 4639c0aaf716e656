package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.specification.RequestSpecification;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.errorFor;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * Who may read what (docs/protocol.md, "Who sees which conversation"), tried as an attacker
 * would: an agent of one group reaching for a conversation of another group's channel by every
 * path that takes a conversation id, and getting nothing but 404s and {@code not_found} frames.
 */
@QuarkusTest
class ConversationVisibilityTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    SilentAgents silentAgents;

    /** A tenant with group A (the fixture's team, its web channel) and group B with a channel of its own. */
    private record Scene(Fixtures.Team team, String groupB, String channelB, String channelKeyB) {}

    private static Scene scene(int agentsInA) {
        Fixtures.Team team = Fixtures.team(agentsInA, 5);
        String group = UUID.randomUUID().toString();
        String channel = UUID.randomUUID().toString();
        String key = "web-b-" + channel.substring(0, 8);
        sql("insert into agent_groups (id, tenant_id, name) values (?, ?, 'Group B')", group, team.tenantId());
        sql("insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'B', ?, 'secret-b', ?)",
                channel, team.tenantId(), key, group);
        return new Scene(team, group, channel, key);
    }

    private static void sql(String statement, Object... args) {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof String s && s.length() == 36 && s.charAt(8) == '-' ? UUID.fromString(s) : args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType("application/json");
    }

    /** A visitor's first message on the channel; the conversation waits in that channel's group. */
    private String start(String channelKey, String text) {
        try (WsClient ws = Chat.visitorSocket(base, Chat.visitor(channelKey).token())) {
            return Chat.send(ws, null, clientId(), text).path("conversationId").asText();
        }
    }

    /** Every REST path that reads or acts on a conversation answers 404, as for an id that does not exist. */
    private static void restAnswersNotFound(String jwt, String c) {
        for (String path : List.of("", "/messages", "/routing")) {
            as(jwt).when().get("/api/v1/conversations/" + c + path)
                    .then().statusCode(404).contentType(startsWith("application/problem+json"))
                    .body("detail", not(org.hamcrest.Matchers.containsString("secret")));
        }
        as(jwt).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(404).contentType(startsWith("application/problem+json"));
        as(jwt).when().post("/api/v1/conversations/" + c + "/pickup").then().statusCode(404).contentType(startsWith("application/problem+json"));
        for (String state : List.of("open", "queued", "closed")) {
            as(jwt).when().get("/api/v1/conversations?state=" + state).then().statusCode(200).body("id", not(hasItem(c)));
        }
        as(jwt).when().get("/api/v1/queue").then().statusCode(200).body("conversationId", not(hasItem(c)));
    }

    /** Every socket frame about the conversation gets a {@code not_found} error, and no frame of it is sent. */
    private void socketAnswersNotFound(String jwt, String c) {
        try (WsClient ws = Chat.agentSocket(base, jwt)) {
            ws.send(frame("resume", "cursors", List.of(Map.of("conversationId", c, "lastSeq", 0))));
            JsonNode refused = ws.await(type("error"), WAIT);
            assertThat(refused.path("code").asText()).isEqualTo("not_found");
            assertThat(refused.path("ref").asText()).isEqualTo(c);
            for (Map<String, Object> f : List.of(frame("typing", "conversationId", c), frame("read", "conversationId", c, "seq", 1),
                    frame("close", "conversationId", c))) {
                ws.send(f);
                assertThat(ws.await(type("error"), WAIT).path("code").asText()).isEqualTo("not_found");
            }
            String id = clientId();
            ws.send(frame("message", "conversationId", c, "clientId", id, "text", "let me in"));
            assertThat(ws.await(errorFor(id), WAIT).path("code").asText()).isEqualTo("not_found");
            ws.drain(Duration.ofMillis(300));
            assertThat(ws.seen()).noneMatch(f -> c.equals(f.path("conversationId").asText()));
        }
    }

    @Test
    void anAgentCannotReadResumeOrCloseAConversationOfAnotherGroupsChannel() {
        Scene s = scene(1);
        Fixtures.Agent agentA = s.team().agents().get(0);
        String c = start(s.channelKeyB(), "my card number is 4111");
        String admin = Chat.login(s.team().adminEmail());
        try {
            // An internal note is there to be leaked.
            as(admin).body(Map.of("agentId", agentA.id())).when().get("/api/v1/conversations/" + c).then().statusCode(200);
            String agentJwt = Chat.login(agentA.email());
            restAnswersNotFound(agentJwt, c);
            socketAnswersNotFound(agentJwt, c);
            // Nothing changed: still waiting, one message, nobody's.
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", c)).isEqualTo(1);
            // Its own group's conversations the agent does see.
            String own = start(s.team().channelKey(), "hello A");
            await().atMost(WAIT).untilAsserted(() -> as(agentJwt).when().get("/api/v1/conversations?state=open")
                    .then().statusCode(200).body("id", hasItem(own)));
            as(agentJwt).when().get("/api/v1/conversations/" + own + "/messages").then().statusCode(200).body("[0].text", equalTo("hello A"));
            // Supervisors and admins see everything of the tenant.
            as(admin).when().get("/api/v1/conversations/" + c + "/messages").then().statusCode(200)
                    .body("[0].text", equalTo("my card number is 4111"));
            as(admin).when().get("/api/v1/conversations?state=queued").then().statusCode(200).body("id", hasItem(c));
            // Staff of another tenant, whatever their role, get 404 too.
            Fixtures.Team other = Fixtures.team(1, 5);
            for (String jwt : List.of(Chat.login(other.adminEmail()), Chat.login(other.agents().get(0).email()))) {
                as(jwt).when().get("/api/v1/conversations/" + c).then().statusCode(404);
                as(jwt).when().get("/api/v1/conversations/" + c + "/messages").then().statusCode(404);
            }
        } finally {
            Chat.retire(s.team().tenantId());
        }
    }

    @Test
    void anAgentLimitedToOtherChannelsDoesNotSeeTheirGroupsConversationsOfThisOne() {
        Scene s = scene(2);
        Fixtures.Agent limited = s.team().agents().get(1);
        sql("insert into agent_channels (agent_id, channel_id, tenant_id) values (?, ?, ?)", limited.id(), s.channelB(), s.team().tenantId());
        String c = start(s.team().channelKey(), "hello");
        try {
            // Routing leaves the limited agent out, so the other one takes it.
            await().atMost(WAIT).until(() -> Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ?",
                    c, s.team().agents().get(0).id()) == 1);
            String jwt = Chat.login(limited.email());
            restAnswersNotFound(jwt, c);
            socketAnswersNotFound(jwt, c);
        } finally {
            Chat.retire(s.team().tenantId());
        }
    }

    @Test
    void anAgentSeesAConversationAssignedToThemAndStillAfterItIsTakenAwayAndClosed() throws Throwable {
        Scene s = scene(1);
        Fixtures.Agent agentA = s.team().agents().get(0);
        String c = start(s.channelKeyB(), "anyone there?");
        String admin = Chat.login(s.team().adminEmail());
        String agentJwt = Chat.login(agentA.email());
        try {
            as(agentJwt).when().get("/api/v1/conversations/" + c).then().statusCode(404);

            // A supervisor hands it to the agent of group A: now theirs to read and write.
            as(admin).body(Map.of("agentId", agentA.id())).when().post("/api/v1/conversations/" + c + "/assign")
                    .then().statusCode(200).body("assignee.id", equalTo(agentA.id()));
            as(agentJwt).when().get("/api/v1/conversations/" + c).then().statusCode(200).body("state", equalTo("open"));
            as(agentJwt).when().get("/api/v1/conversations?state=open").then().statusCode(200).body("id", hasItem(c));
            try (WsClient ws = Chat.agentSocket(base, agentJwt)) {
                // An internal note: the agent has not answered the visitor, so auto-reassign may take it.
                String note = clientId();
                ws.send(frame("message", "conversationId", c, "clientId", note, "text", "note for later", "internal", true));
                ws.await(Chat.ackOf(note), WAIT);
            }

            // Taken away (auto-reassign sends it back to group B's queue): the agent keeps sight of it.
            assertThat(VertxContextSupport.subscribeAndAwait(() -> silentAgents.reassign(s.team().tenantId(), c, Duration.ZERO, 1)))
                    .as("taken away by this call: nothing left to look at later").isEmpty();
            as(agentJwt).when().get("/api/v1/conversations/" + c).then().statusCode(200).body("state", equalTo("queued"));
            as(agentJwt).when().get("/api/v1/conversations/" + c + "/messages").then().statusCode(200)
                    .body("text", hasItem("note for later"));
            // Seeing it is not serving its queue: picking it up is refused, as being outside the queue.
            as(agentJwt).when().post("/api/v1/conversations/" + c + "/pickup").then().statusCode(403);
            try (WsClient ws = Chat.agentSocket(base, agentJwt)) {
                ws.send(frame("resume", "cursors", List.of(Map.of("conversationId", c, "lastSeq", 0))));
                assertThat(ws.await(type("message", c).and(f -> f.path("text").asText().equals("note for later")), WAIT)).isNotNull();
            }

            // Closed by a supervisor: still readable by the agent who once had it.
            as(admin).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(200);
            as(agentJwt).when().get("/api/v1/conversations/" + c).then().statusCode(200).body("state", equalTo("closed"));
            try (WsClient ws = Chat.agentSocket(base, agentJwt)) {
                ws.send(frame("resume", "cursors", List.of(Map.of("conversationId", c, "lastSeq", 0))));
                assertThat(ws.await(type("closed", c), WAIT)).isNotNull();
                assertThat(ws.seen()).noneMatch(type("error"));
            }
        } finally {
            Chat.retire(s.team().tenantId());
        }
    }
}
