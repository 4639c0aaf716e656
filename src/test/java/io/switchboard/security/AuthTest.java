package io.switchboard.security;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** Who may connect and what identities are accepted (PROTOCOL.md, FEATURES A9). */
@QuarkusTest
class AuthTest {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    @TestHTTPResource("/")
    URL base;

    // ---------------------------------------------------------------- sockets

    private int closeCodeOf(String path, String token) {
        try (WsClient ws = WsClient.open(Chat.base(base), path, token)) {
            return ws.closeCode(CLOSE_WAIT);
        }
    }

    @Test
    void visitorSocketWithoutTokenIsClosedWith4401() {
        assertThat(closeCodeOf("/ws/visitor", null)).isEqualTo(4401);
    }

    @Test
    void agentSocketWithoutTokenIsClosedWith4401() {
        assertThat(closeCodeOf("/ws/agent", null)).isEqualTo(4401);
    }

    @Test
    void socketsWithAForgedTokenAreClosedWith4401() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        // A real token with its signature changed: well-formed, but not ours.
        String forged = jwt.substring(0, jwt.lastIndexOf('.') + 1) + "AAAA" + jwt.substring(jwt.lastIndexOf('.') + 5);
        assertThat(closeCodeOf("/ws/agent", forged)).isEqualTo(4401);
        assertThat(closeCodeOf("/ws/agent", "not-a-token")).isEqualTo(4401);
        assertThat(closeCodeOf("/ws/visitor", "not-a-token")).isEqualTo(4401);
        assertThat(closeCodeOf("/ws/visitor", "")).isEqualTo(4401);
    }

    @Test
    void visitorTokenOnTheAgentSocketIsClosedWith4401() {
        Fixtures.Team team = Fixtures.team(1, 5);
        assertThat(closeCodeOf("/ws/agent", Chat.visitor(team.channelKey()).token())).isEqualTo(4401);
    }

    @Test
    void staffTokenOnTheVisitorSocketIsClosedWith4401() {
        Fixtures.Team team = Fixtures.team(1, 5);
        assertThat(closeCodeOf("/ws/visitor", Chat.login(team.agents().get(0).email()))).isEqualTo(4401);
    }

    @Test
    void validTokensKeepTheirSocketsOpen() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient agent = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            // A frame gets an answer rather than a close: the socket was accepted.
            visitor.send(Chat.frame("resume", "conversationId", java.util.UUID.randomUUID().toString(), "lastSeq", 0));
            assertThat(visitor.awaitType("error").path("code").asText()).isEqualTo("not_found");
            assertThat(agent.isClosed()).isFalse();
            assertThat(visitor.isClosed()).isFalse();
        }
    }

    // ---------------------------------------------------------------- staff login

    @Test
    void loginWithWrongPasswordIs401ProblemJson() {
        Fixtures.Team team = Fixtures.team(1, 5);
        given().contentType(ContentType.JSON)
                .body(Map.of("email", team.agents().get(0).email(), "password", "wrong-" + Fixtures.PASSWORD))
                .when().post("/api/v1/auth/login")
                .then().statusCode(401)
                .contentType(startsWith(PROBLEM_JSON))
                .body("status", equalTo(401))
                .body("title", notNullValue())
                .body("token", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void loginWithUnknownEmailIs401ProblemJson() {
        given().contentType(ContentType.JSON)
                .body(Map.of("email", "nobody-" + java.util.UUID.randomUUID() + "@test.test", "password", Fixtures.PASSWORD))
                .when().post("/api/v1/auth/login")
                .then().statusCode(401)
                .contentType(startsWith(PROBLEM_JSON))
                .body("status", equalTo(401));
    }

    @Test
    void loginReturnsTokenAndUser() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        given().contentType(ContentType.JSON)
                .body(Map.of("email", agent.email().toUpperCase(), "password", Fixtures.PASSWORD))
                .when().post("/api/v1/auth/login")
                .then().statusCode(200)
                .body("token", notNullValue())
                .body("expiresAt", notNullValue())
                .body("user.id", equalTo(agent.id()))
                .body("user.tenantId", equalTo(team.tenantId()))
                .body("user.roles", org.hamcrest.Matchers.contains("agent"));
    }

    @Test
    void restWithoutTokenIs401ProblemJson() {
        given().when().get("/api/v1/me")
                .then().statusCode(401).contentType(startsWith(PROBLEM_JSON));
    }

    // ---------------------------------------------------------------- visitors

    private static Map<String, Object> identity(String userId, String hash) {
        Map<String, Object> body = new HashMap<>();
        body.put("userId", userId);
        body.put("userHash", hash);
        return body;
    }

    @Test
    void identifiedVisitorWithCorrectHashGetsTheSameVisitorIdEachTime() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String userId = "customer-" + java.util.UUID.randomUUID();
        String hash = IdentityHash.sign(userId, team.channelSecret());

        String first = given().contentType(ContentType.JSON).body(identity(userId, hash))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200).body("visitorToken", notNullValue())
                .extract().path("visitorId");
        String second = given().contentType(ContentType.JSON).body(identity(userId, hash))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200)
                .extract().path("visitorId");
        assertThat(second).isEqualTo(first);
        assertThat(Fixtures.count("select count(*) from visitors v join customers c on c.id = v.customer_id "
                + "where c.tenant_id = ? and c.external_id = ?", team.tenantId(), userId)).isEqualTo(1);

        // Another customer of the same tenant is someone else.
        String otherId = userId + "-other";
        String other = given().contentType(ContentType.JSON).body(identity(otherId, IdentityHash.sign(otherId, team.channelSecret())))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200).extract().path("visitorId");
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void identifiedVisitorWithWrongHashIs401AndNothingIsCreated() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String userId = "customer-" + java.util.UUID.randomUUID();
        // Signed with another channel's secret: a well-formed hash that does not match.
        String wrong = IdentityHash.sign(userId, team.channelSecret() + "x");
        given().contentType(ContentType.JSON).body(identity(userId, wrong))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(401).contentType(startsWith(PROBLEM_JSON))
                .body("visitorToken", org.hamcrest.Matchers.nullValue());
        given().contentType(ContentType.JSON).body(identity(userId, "deadbeef"))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(401);
        assertThat(Fixtures.count("select count(*) from customers where tenant_id = ?", team.tenantId())).isZero();
        assertThat(Fixtures.count("select count(*) from visitors where tenant_id = ?", team.tenantId())).isZero();
    }

    @Test
    void unknownChannelIs404() {
        given().contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/v1/widget/no-such-channel-" + java.util.UUID.randomUUID() + "/visitors")
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON)).body("status", equalTo(404));
    }

    @Test
    void anonymousVisitorComesBackWithTheirVisitorIdAndSecret() {
        Fixtures.Team team = Fixtures.team(1, 5);
        var created = given().contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200).extract();
        String firstId = created.path("visitorId");
        String secret = created.path("visitorSecret");
        String again = given().contentType(ContentType.JSON).body(Map.of("visitorId", firstId, "visitorSecret", secret))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200).extract().path("visitorId");
        assertThat(again).isEqualTo(firstId);

        // Another tenant's channel cannot adopt this visitor: it gets a new identity.
        Fixtures.Team other = Fixtures.team(1, 5);
        String elsewhere = given().contentType(ContentType.JSON).body(Map.of("visitorId", firstId, "visitorSecret", secret))
                .when().post("/api/v1/widget/" + other.channelKey() + "/visitors")
                .then().statusCode(200).extract().path("visitorId");
        assertThat(elsewhere).isNotEqualTo(firstId);
    }

    // ---------------------------------------------------------------- agent settings

    @Test
    void capacityOutsideOneTo200Is400OnMaxConcurrent() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        for (int bad : new int[] {0, 201, -1}) {
            given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("maxConcurrent", bad))
                    .when().put("/api/v1/agents/me/capacity")
                    .then().statusCode(400).contentType(startsWith(PROBLEM_JSON))
                    .body("status", equalTo(400))
                    .body("errors[0].field", equalTo("maxConcurrent"));
        }
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of())
                .when().put("/api/v1/agents/me/capacity")
                .then().statusCode(400).body("errors[0].field", equalTo("maxConcurrent"));
        // Nothing changed.
        assertThat(Fixtures.count("select max_concurrent from agents where user_id = ?", team.agents().get(0).id())).isEqualTo(5);
        given().auth().oauth2(jwt).when().get("/api/v1/me").then().body("maxConcurrent", equalTo(5));

        // The bounds themselves are allowed.
        for (int ok : new int[] {1, 200}) {
            given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("maxConcurrent", ok))
                    .when().put("/api/v1/agents/me/capacity")
                    .then().statusCode(200).body("maxConcurrent", equalTo(ok));
        }
    }

    @Test
    void unknownStatusIs400OnStatus() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("status", "busy"))
                .when().put("/api/v1/agents/me/status")
                .then().statusCode(400).contentType(startsWith(PROBLEM_JSON))
                .body("errors[0].field", equalTo("status"));
        given().auth().oauth2(jwt).when().get("/api/v1/me").then().body("status", equalTo("online"));
    }

    @Test
    void visitorTokenCannotUseStaffEndpoints() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String token = Chat.visitor(team.channelKey()).token();
        given().auth().oauth2(token).when().get("/api/v1/me").then().statusCode(403).contentType(startsWith(PROBLEM_JSON));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("status", "online"))
                .when().put("/api/v1/agents/me/status").then().statusCode(403);
        given().auth().oauth2(token).when().get("/api/v1/conversations").then().statusCode(403);
    }
}
