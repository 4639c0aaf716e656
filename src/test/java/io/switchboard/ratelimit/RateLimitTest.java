package io.switchboard.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * DESIGN rule 6, floods: past a limit the client gets a clear refusal ({@code rate_limited}
 * on an open socket, 429 with Retry-After over HTTP) and nothing is stored. Small limits, and
 * every test speaks from its own address (X-Forwarded-For) so the tests do not share counters.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
class RateLimitTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.rate-limit.visitor-frames-per-second", "0.5",
                    "switchboard.rate-limit.visitor-frames-burst", "3",
                    "switchboard.rate-limit.staff-frames-per-second", "0.5",
                    "switchboard.rate-limit.staff-frames-burst", "3",
                    "switchboard.rate-limit.socket-connects", "3",
                    "switchboard.rate-limit.logins", "3",
                    "switchboard.rate-limit.visitor-tokens", "3");
        }
    }

    @TestHTTPResource("/")
    URL base;

    private static String address() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /**
     * An address for a test that counts attempts in one per-address window (1 minute, aligned
     * to the clock, the default): a test started in a window's last seconds would see its
     * count reset halfway, so it waits for the next window first.
     */
    private static String addressWithTheWindowAhead() {
        long window = Duration.ofMinutes(1).toMillis();
        long left = window - System.currentTimeMillis() % window;
        if (left < 10_000) {
            try {
                Thread.sleep(left + 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return address();
    }

    private WsClient socket(String path, String token, String address) {
        return WsClient.open(Chat.base(base), path, token, Map.of("X-Forwarded-For", address));
    }

    private static String login(String email, String address) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                .body(Map.of("email", email, "password", Fixtures.PASSWORD))
                .when().post("/api/v1/auth/login").then().statusCode(200).extract().path("token");
    }

    private static String visitorToken(Fixtures.Team team, String address) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", address).body(Map.of())
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200).extract().path("visitorToken");
    }

    @Test
    void aVisitorFloodingMessagesGetsRateLimitedStoresOnlyWhatWasAckedAndKeepsTheSocket() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String address = address();
        try (WsClient ws = socket("/ws/visitor", visitorToken(team, address), address)) {
            int sent = 10;
            for (int i = 0; i < sent; i++) {
                ws.send(Chat.frame("message", "clientId", "flood-" + i, "text", "hello " + i));
            }
            List<JsonNode> answers = new ArrayList<>();
            while (answers.size() < sent) {
                answers.add(ws.await(f -> f.path("clientId").asText().startsWith("flood-")
                        || f.path("ref").asText().startsWith("flood-"), Chat.WAIT));
            }
            List<JsonNode> acks = Chat.ofType(answers, "ack");
            List<JsonNode> refused = answers.stream().filter(f -> "rate_limited".equals(f.path("code").asText())).toList();
            assertThat(acks.size() + refused.size()).as("every frame answered by an ack or rate_limited").isEqualTo(sent);
            assertThat(acks.size()).as("the burst of 3, plus at most a token or two regained meanwhile").isBetween(3, 5);
            assertThat(refused).allSatisfy(f -> assertThat(f.path("ref").asText()).startsWith("flood-"));
            assertThat(Fixtures.count("select count(*) from messages where tenant_id = ? and sender_kind = 'visitor'", team.tenantId()))
                    .as("stored messages are exactly the acknowledged ones").isEqualTo(acks.size());
            assertThat(ws.isClosed()).isFalse();

            // Tokens come back (one per 2 s): the same socket is served again.
            Thread.sleep(2_100);
            JsonNode ack = Chat.send(ws, acks.get(0).path("conversationId").asText(), "after-pause", "still there?");
            assertThat(ack.path("seq").asLong()).isEqualTo(acks.size() + 1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aStaffSocketFloodingFramesGetsRateLimitedAndStaysOpen() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String address = address();
        String jwt = login(team.agents().get(0).email(), address);
        try (WsClient ws = socket("/ws/agent", jwt, address)) {
            ws.awaitType("status");
            for (int i = 0; i < 8; i++) {
                ws.send("{\"type\":\"dance\"}");
            }
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                codes.add(ws.awaitType("error").path("code").asText());
            }
            assertThat(codes).filteredOn("rate_limited"::equals).hasSizeGreaterThanOrEqualTo(3);
            assertThat(codes).filteredOn("unknown_type"::equals).hasSizeGreaterThanOrEqualTo(3);
            assertThat(ws.isClosed()).isFalse();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void socketHandshakesPastTheLimitPerAddressAreRefusedWith429AndRetryAfter() {
        String address = addressWithTheWindowAhead();
        // Every request of this class names its own address: 127.0.0.1's counters are shared with the rest of the suite.
        String jwt = login(Fixtures.team(1, 5).agents().get(0).email(), address());
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(socket("/ws/agent", jwt, address));
            }
            Throwable refused = catchThrowable(() -> open.add(socket("/ws/agent", jwt, address)));
            assertThat(refused).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
            var response = ((WebSocketHandshakeException) refused.getCause()).getResponse();
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 60L);
            // Another address is not affected, and the sockets already open still work.
            open.add(socket("/ws/agent", jwt, address()));
            assertThat(open.get(0).isClosed()).isFalse();
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void loginAttemptsPastTheLimitPerAddressGet429ProblemJson() {
        String address = addressWithTheWindowAhead();
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                    .body(Map.of("email", "nobody@test.test", "password", "guess-" + i))
                    .when().post("/api/v1/auth/login").then().statusCode(401);
        }
        given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                .body(Map.of("email", "nobody@test.test", "password", "guess-4"))
                .when().post("/api/v1/auth/login")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("status", equalTo(429))
                .body("title", equalTo("Too Many Requests"));
        given().contentType(ContentType.JSON).header("X-Forwarded-For", address())
                .body(Map.of("email", "nobody@test.test", "password", "guess"))
                .when().post("/api/v1/auth/login").then().statusCode(401);
    }

    @Test
    void visitorCreationPastTheLimitPerAddressGets429AndCreatesNoVisitor() {
        Fixtures.Team team = Fixtures.team(0, 1);
        String address = addressWithTheWindowAhead();
        for (int i = 0; i < 3; i++) {
            visitorToken(team, address);
        }
        given().contentType(ContentType.JSON).header("X-Forwarded-For", address).body(Map.of())
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(429).contentType("application/problem+json").header("Retry-After", notNullValue());
        assertThat(Fixtures.count("select count(*) from visitors where tenant_id = ?", team.tenantId())).isEqualTo(3);
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedWith413NotA500() {
        String huge = "{\"email\":\"a@test.test\",\"password\":\"" + "x".repeat(300 * 1024) + "\"}";
        int status = given().contentType(ContentType.JSON).header("X-Forwarded-For", address()).body(huge)
                .when().post("/api/v1/auth/login").then().extract().statusCode();
        assertThat(status).isEqualTo(413);
    }
}
