package io.switchboard.security;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A staff socket lives no longer than its token: it closes with 4401 when the token expires. */
@QuarkusTest
class SocketExpiryTest {

    private static final long TTL_SECONDS = 3;

    @TestHTTPResource("/")
    URL base;

    @Inject
    TokenService tokens;

    private String shortLived(Fixtures.Agent agent, String tenantId) {
        return tokens.staffToken(tenantId, agent.id(), agent.name(), agent.email(), Set.of(Roles.AGENT), 0,
                Duration.ofSeconds(TTL_SECONDS)).token();
    }

    @Test
    void aStaffSocketClosesWith4401WhenItsTokenExpires() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String token = shortLived(team.agents().get(0), team.tenantId());
        long opened = System.nanoTime();
        try (WsClient socket = Chat.agentSocket(base, token)) {
            assertThat(socket.closeCode(Duration.ofSeconds(TTL_SECONDS + 5))).isEqualTo(4401);
            // Not before the token's expiry (whole seconds: it may fall up to one second early).
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(Duration.ofSeconds(TTL_SECONDS - 1));
        }
    }

    @Test
    void aSocketOpenedWithATicketClosesWhenTheTokenBehindItExpires() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String token = shortLived(team.agents().get(0), team.tenantId());
        String ticket = given().auth().oauth2(token).when().post("/api/v1/auth/socket-ticket")
                .then().statusCode(200).extract().path("ticket");
        try (WsClient socket = WsClient.open(Chat.base(base), "/ws/agent?ticket=" + ticket, null)) {
            socket.awaitType("status");
            assertThat(socket.closeCode(Duration.ofSeconds(TTL_SECONDS + 5))).isEqualTo(4401);
        }
    }

    @Test
    void aSocketWithALongLivedTokenStaysOpen() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient socket = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()))) {
            socket.drain(Duration.ofSeconds(TTL_SECONDS + 1));
            assertThat(socket.isClosed()).isFalse();
        }
    }
}
