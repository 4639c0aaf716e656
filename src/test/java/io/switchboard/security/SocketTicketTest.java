package io.switchboard.security;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staff sockets open with a one-time ticket, so a long-lived token never travels in a URL:
 * {@code POST /auth/socket-ticket} answers {ticket, expiresAt}; the ticket opens one socket,
 * once, within 30 s, as its user only, and not after the user's session ended.
 */
@QuarkusTest
class SocketTicketTest {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    @TestHTTPResource("/")
    URL base;

    @Inject
    TokenService tokens;

    @Inject
    RedisDataSource redis;

    private static String ticket(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .when().post("/api/v1/auth/socket-ticket")
                .then().statusCode(200).extract().path("ticket");
    }

    private WsClient withTicket(String ticket) {
        return WsClient.open(Chat.base(base), "/ws/agent?ticket=" + ticket, null);
    }

    @Test
    void aTicketOpensOneStaffSocketWithinThirtySecondsAndOnlyOnce() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        var answer = given().auth().oauth2(jwt).when().post("/api/v1/auth/socket-ticket").then().statusCode(200).extract();
        String ticket = answer.path("ticket");
        Instant expiresAt = Instant.parse(answer.path("expiresAt"));
        assertThat(ticket).hasSizeGreaterThanOrEqualTo(40).doesNotContain(jwt.substring(0, 20));
        assertThat(expiresAt).isBetween(Instant.now().plusSeconds(25), Instant.now().plusSeconds(31));

        try (WsClient socket = withTicket(ticket)) {
            // The agent's own state arrives: the socket is theirs and open.
            assertThat(socket.awaitType("status").path("maxConcurrent").asInt()).isEqualTo(5);
            assertThat(socket.isClosed()).isFalse();
            try (WsClient again = withTicket(ticket)) {
                assertThat(again.closeCode(CLOSE_WAIT)).isEqualTo(4401);
            }
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void onlyAHashOfTheTicketIsKeptAndItExpiresWithinThirtySeconds() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String ticket = ticket(Chat.login(team.agents().get(0).email()));
        String key = "sb:ticket:" + SocketTickets.hash(ticket);
        assertThat(redis.key().exists(key)).isTrue();
        assertThat(redis.key().pttl(key)).isBetween(1L, 30_000L);
        Set<String> keys = Set.copyOf(redis.key().keys("sb:ticket:*"));
        assertThat(keys).noneMatch(k -> k.contains(ticket));
        assertThat(redis.value(String.class).get(key)).doesNotContain(ticket);
    }

    @Test
    void anExpiredTicketClosesTheSocketWith4401() throws InterruptedException {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        // A ticket never outlives the token it was got with: this token lives 2 s.
        String shortLived = tokens.staffToken(team.tenantId(), agent.id(), agent.name(), agent.email(), Set.of(Roles.AGENT), 0,
                Duration.ofSeconds(2)).token();
        var answer = given().auth().oauth2(shortLived).when().post("/api/v1/auth/socket-ticket").then().statusCode(200).extract();
        assertThat(Instant.parse(answer.path("expiresAt"))).isBefore(Instant.now().plusSeconds(3));
        Thread.sleep(3_000);
        try (WsClient socket = withTicket(answer.path("ticket"))) {
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
        }
    }

    @Test
    void aTicketOfAnotherTenantsAgentReachesOnlyThatTenant() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(1, 7);
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient stranger = withTicket(ticket(Chat.login(other.agents().get(0).email())))) {
            assertThat(stranger.awaitType("status").path("maxConcurrent").asInt()).isEqualTo(7);
            String id = Chat.send(visitor, null, Chat.clientId(), "hello").path("conversationId").asText();
            stranger.send(Chat.frame("close", "conversationId", id));
            assertThat(stranger.awaitType("error").path("code").asText()).isEqualTo("not_found");
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state <> 'closed'", id)).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aTicketIssuedBeforeTheUserWasRemovedNoLongerOpensASocket() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String ticket = ticket(Chat.login(agent.email()));
        given().auth().oauth2(Chat.login(team.adminEmail())).when().delete("/api/v1/admin/agents/" + agent.id())
                .then().statusCode(204);
        try (WsClient socket = withTicket(ticket)) {
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
        }
    }

    @Test
    void unknownTicketsAndCallsWithoutAStaffTokenAreRefused() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient socket = withTicket("not-a-ticket")) {
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
        }
        try (WsClient socket = withTicket("")) {
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
        }
        given().when().post("/api/v1/auth/socket-ticket").then().statusCode(401);
        given().auth().oauth2("not-a-token").when().post("/api/v1/auth/socket-ticket").then().statusCode(401);
        given().auth().oauth2(Chat.visitor(team.channelKey()).token()).when().post("/api/v1/auth/socket-ticket")
                .then().statusCode(403);
    }

    @Test
    void theTokenInTheQueryStringStillOpensASocket() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient socket = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()))) {
            assertThat(socket.isClosed()).isFalse();
        }
    }
}
