package io.switchboard.channel.widget;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An anonymous visitor's id is no credential (E1): staff see it as the sender of every
 * visitor message. Only the secret handed to the visitor's browser on their first visit
 * brings the same identity back; the id alone, a wrong secret, or a visitor of another
 * channel or tenant gives a new visitor, who cannot read or write the old conversations.
 */
@QuarkusTest
class AnonymousVisitorSecretTest {

    @TestHTTPResource("/")
    URL base;

    private static ExtractableResponse<Response> visitors(String channelKey, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/widget/" + channelKey + "/visitors")
                .then().statusCode(200).extract();
    }

    private static Map<String, Object> comeBack(String visitorId, String visitorSecret) {
        Map<String, Object> body = new HashMap<>();
        body.put("visitorId", visitorId);
        if (visitorSecret != null) {
            body.put("visitorSecret", visitorSecret);
        }
        return body;
    }

    @Test
    void aNewAnonymousVisitorGetsASecretOfTheirOwnThatIsStoredOnlyAsItsHash() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        var first = visitors(team.channelKey(), Map.of());
        var second = visitors(team.channelKey(), Map.of());
        String secret = first.path("visitorSecret");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(second.<String>path("visitorSecret")).isNotEqualTo(secret);
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "select secret_hash, v::text as everything from visitors v where id = ?")) {
            ps.setObject(1, UUID.fromString(first.path("visitorId")));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                byte[] expected = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
                assertThat(rs.getBytes("secret_hash")).isEqualTo(expected);
                assertThat(rs.getString("everything")).doesNotContain(secret);
            }
        }
    }

    @Test
    void theVisitorIdAloneNoLongerGrantsTheOldIdentity() {
        Fixtures.Team team = Fixtures.team(1, 5);
        var owner = visitors(team.channelKey(), Map.of());
        String ownerId = owner.path("visitorId");
        String conversation;
        try (WsClient v = Chat.visitorSocket(base, owner.path("visitorToken"))) {
            conversation = Chat.send(v, null, clientId(), "my address is 1 Main St").path("conversationId").asText();
        }

        // Whoever saw the id (every agent does, as sender.id) gets a new visitor of their own...
        var stranger = visitors(team.channelKey(), comeBack(ownerId, null));
        assertThat(stranger.<String>path("visitorId")).isNotEqualTo(ownerId);
        assertThat(stranger.<String>path("visitorSecret")).isNotBlank();
        // ...whose token reads nothing of the owner's conversation...
        given().auth().oauth2(stranger.path("visitorToken"))
                .when().get("/api/v1/conversations/" + conversation + "/messages")
                .then().statusCode(404);
        // ...and whose socket does not write into it.
        try (WsClient s = Chat.visitorSocket(base, stranger.path("visitorToken"))) {
            String id = clientId();
            s.send(Chat.frame("message", "conversationId", conversation, "clientId", id, "text", "it is me, really"));
            var reply = s.await(Chat.ackOf(id).or(Chat.errorFor(id)), Chat.WAIT);
            assertThat(reply.path("type").asText()).as("%s", reply).isEqualTo("error");
        }
        assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", conversation)).isOne();
    }

    @Test
    void theVisitorIdWithItsSecretBringsTheSameVisitorBack() {
        Fixtures.Team team = Fixtures.team(1, 5);
        var first = visitors(team.channelKey(), Map.of());
        String id = first.path("visitorId");
        String secret = first.path("visitorSecret");
        var again = visitors(team.channelKey(), comeBack(id, secret));
        assertThat(again.<String>path("visitorId")).isEqualTo(id);
        assertThat(again.<String>path("visitorSecret")).isEqualTo(secret);
        // And again: the secret does not wear out.
        assertThat(visitors(team.channelKey(), comeBack(id, secret)).<String>path("visitorId")).isEqualTo(id);
    }

    @Test
    void aWrongSecretGivesANewVisitor() {
        Fixtures.Team team = Fixtures.team(1, 5);
        var first = visitors(team.channelKey(), Map.of());
        var other = visitors(team.channelKey(), Map.of());
        String id = first.path("visitorId");
        // Another visitor's genuine secret, a made-up one, and the right one with a character changed.
        String secret = first.path("visitorSecret");
        String altered = (secret.charAt(0) == 'A' ? "B" : "A") + secret.substring(1);
        for (String wrong : new String[] {other.path("visitorSecret"), "not-the-secret", altered, ""}) {
            assertThat(visitors(team.channelKey(), comeBack(id, wrong)).<String>path("visitorId")).as(wrong).isNotEqualTo(id);
        }
    }

    @Test
    void aVisitorOfAnotherChannelOrTenantIsNotAdoptedEvenWithTheSecret() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        var first = visitors(team.channelKey(), Map.of());
        String id = first.path("visitorId");
        String secret = first.path("visitorSecret");

        // A second channel of the same tenant.
        String otherKey = "web-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'Shop', ?, 'x', ?)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, UUID.fromString(team.tenantId()));
            ps.setString(3, otherKey);
            ps.setObject(4, UUID.fromString(team.groupId()));
            ps.executeUpdate();
        }
        assertThat(visitors(otherKey, comeBack(id, secret)).<String>path("visitorId")).isNotEqualTo(id);

        Fixtures.Team otherTenant = Fixtures.team(1, 5);
        assertThat(visitors(otherTenant.channelKey(), comeBack(id, secret)).<String>path("visitorId")).isNotEqualTo(id);
        // The visitor still comes back where they belong.
        assertThat(visitors(team.channelKey(), comeBack(id, secret)).<String>path("visitorId")).isEqualTo(id);
    }

    @Test
    void anIdentifiedCustomerGetsNoSecretAndStaffFramesNeverCarryOne() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String userId = "customer-" + UUID.randomUUID();
        var identified = visitors(team.channelKey(), Map.of("userId", userId,
                "userHash", io.switchboard.security.IdentityHash.sign(userId, team.channelSecret())));
        assertThat(identified.<String>path("visitorSecret")).isNull();

        var anonymous = visitors(team.channelKey(), Map.of());
        String secret = anonymous.path("visitorSecret");
        try (WsClient agent = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient v = Chat.visitorSocket(base, anonymous.path("visitorToken"))) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            var message = Chat.received(agent, f -> "message".equals(f.path("type").asText()) && c.equals(f.path("conversationId").asText()));
            assertThat(message.path("sender").path("id").asText()).isEqualTo(anonymous.<String>path("visitorId"));
            assertThat(agent.seen().toString()).doesNotContain(secret);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
