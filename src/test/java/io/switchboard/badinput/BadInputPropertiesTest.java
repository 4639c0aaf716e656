package io.switchboard.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN rule 6 as a property, over many seeded random inputs: whatever a client sends,
 * the service never answers 500 (nor an {@code internal} error frame), never closes the
 * socket it came on nor anyone else's, and never writes part of a refused request.
 * Seeds 7 and 42 found the two bugs pinned down in {@link #aNulCharacterIsRefusedAsInvalidNotAsAStorageFault}
 * and {@link #aKeyGivenTwiceIsMalformedJsonNotAServerError}.
 */
@QuarkusTest
class BadInputPropertiesTest {

    /**
     * Fixed by default so the suite is repeatable; {@code -Dswitchboard.fuzz.seed=random} explores
     * new inputs (the seed is printed), {@code -Dswitchboard.fuzz.seed=N} replays one.
     */
    private static final long SEED = seed(System.getProperty("switchboard.fuzz.seed", "20261123"));

    private static long seed(String s) {
        return "random".equals(s) ? System.nanoTime() : Long.parseLong(s);
    }
    private static final int FRAMES = 400;

    @TestHTTPResource("/")
    URL base;

    @Test
    void randomFramesNeverFailInternallyNorCloseAnySocketNorStoreUnacknowledgedMessages() {
        System.out.println("bad-input frames seed " + SEED);
        RandomInput in = new RandomInput(SEED);
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agent = Chat.agentSocket(base, jwt);
             WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient bystander = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            // A real conversation first, so that random frames also hit ids that exist.
            String conversation = Chat.send(visitor, null, clientId(), "a real question").path("conversationId").asText();
            for (int i = 0; i < FRAMES; i++) {
                String raw = in.nextInt(3) == 0 ? in.objectWith("conversationId", RandomInput.quote(conversation)) : in.frame();
                (i % 2 == 0 ? visitor : agent).send(raw);
            }
            // Each socket still answers, in order after everything it was sent.
            for (WsClient ws : List.of(visitor, agent, bystander)) {
                ws.send("{\"type\":\"still-there\",\"clientId\":\"sentinel\"}");
                ws.await(f -> "error".equals(f.path("type").asText()) && "unknown_type".equals(f.path("code").asText())
                        && "sentinel".equals(f.path("ref").asText()), Duration.ofSeconds(30));
                assertThat(ws.isClosed()).as("seed %d: a socket was closed", SEED).isFalse();
            }
            for (WsClient ws : List.of(visitor, agent)) {
                // Bad input is never mistaken for a fault: neither internal nor storage-unavailable.
                assertThat(ws.seen()).as("seed %d: internal or unavailable errors", SEED)
                        .noneMatch(f -> "internal".equals(f.path("code").asText()) || "unavailable".equals(f.path("code").asText()));
            }
            // Stored messages are exactly the acknowledged ones, with unbroken sequences.
            long acked = 0;
            for (WsClient ws : List.of(visitor, agent)) {
                acked += ws.seen().stream().filter(f -> "ack".equals(f.path("type").asText()))
                        .map(f -> f.path("conversationId").asText() + "/" + f.path("seq").asText()).distinct().count();
            }
            assertThat(Fixtures.count("select count(*) from messages where tenant_id = ? and sender_kind in ('visitor', 'agent')",
                    team.tenantId())).as("seed %d: stored vs acknowledged", SEED).isEqualTo(acked);
            assertThat(Fixtures.count("""
                    select count(*) from conversations c where tenant_id = ?
                      and last_seq <> (select count(*) from messages m where m.conversation_id = c.id)""", team.tenantId()))
                    .as("seed %d: conversations whose sequence disagrees with their messages", SEED).isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void randomRestBodiesNeverGet500AndRefusedOnesWriteNothing() {
        System.out.println("bad-input REST seed " + SEED);
        RandomInput in = new RandomInput(SEED ^ 0x5bd1e995L);
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        long visitorsBefore = Fixtures.count("select count(*) from visitors where tenant_id = ?", team.tenantId());
        int visitorsCreated = 0;
        for (int i = 0; i < 150; i++) {
            String body = in.body();
            Response r = switch (i % 6) {
                case 0 -> given().contentType("application/json").body(body).post("/api/v1/widget/" + team.channelKey() + "/visitors");
                case 1 -> given().contentType("application/json").header("Authorization", "Bearer " + jwt).body(body)
                        .put("/api/v1/agents/me/capacity");
                case 2 -> given().contentType("application/json").header("Authorization", "Bearer " + jwt).body(body)
                        .put("/api/v1/agents/me/status");
                case 3 -> given().header("Authorization", "Bearer " + jwt)
                        .get("/api/v1/conversations/" + pathNoise(in) + "/messages?afterSeq=" + pathNoise(in) + "&limit=" + pathNoise(in));
                case 4 -> given().contentType(i % 4 == 0 ? "text/plain" : "application/json").header("Authorization", "Bearer " + jwt)
                        .body(body).post("/api/v1/conversations/" + pathNoise(in) + "/close");
                default -> i % 30 == 5
                        ? given().contentType("application/json").body(body).post("/api/v1/auth/login")
                        : given().header("Authorization", "Bearer " + jwt).get("/api/v1/conversations?state=" + pathNoise(in)
                                + "&limit=" + pathNoise(in));
            };
            int status = r.statusCode();
            assertThat(status).as("seed %d, request %d (%s): %s", SEED, i, body, r.asString()).isLessThan(500);
            if (status >= 400) {
                assertThat(r.contentType()).as("seed %d, request %d (%s): %d %s", SEED, i, body, status, r.asString()).startsWith("application/problem+json");
            }
            if (i % 6 == 0 && status == 200) {
                visitorsCreated++;
            }
        }
        // Refused visitor requests wrote nothing (a re-used visitorId may update, never add).
        assertThat(Fixtures.count("select count(*) from visitors where tenant_id = ?", team.tenantId()) - visitorsBefore)
                .as("seed %d", SEED).isLessThanOrEqualTo(visitorsCreated);
        JsonNode me = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().valueToTree(
                given().header("Authorization", "Bearer " + jwt).get("/api/v1/me").then().statusCode(200).extract().as(java.util.Map.class));
        assertThat(me.path("maxConcurrent").asInt()).as("seed %d: capacity stays in range", SEED).isBetween(1, 200);
        Chat.retire(team.tenantId());
    }

    /** Found by the REST property above (seed 42): PostgreSQL refuses U+0000, which answered 503. */
    @Test
    void aNulCharacterIsRefusedAsInvalidNotAsAStorageFault() {
        Fixtures.Team team = Fixtures.team(1, 5);
        given().contentType("application/json").body("{\"name\":\"a\\u0000b\"}")
                .post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/json").body("{\"attributes\":{\"k\":\"a\\u0000b\"}}")
                .post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/json").body("{\"email\":\"a\\u0000@b.test\",\"password\":\"x\"}")
                .post("/api/v1/auth/login")
                .then().statusCode(400).contentType("application/problem+json");
        try (WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            ws.send("{\"type\":\"message\",\"clientId\":\"nul-1\",\"text\":\"a\\u0000b\"}");
            JsonNode error = ws.await(Chat.errorFor("nul-1"), Chat.WAIT);
            assertThat(error.path("code").asText()).isEqualTo("invalid");
            assertThat(Fixtures.count("select count(*) from messages where tenant_id = ?", team.tenantId())).isZero();
            assertThat(ws.isClosed()).isFalse();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** Found by the REST property (seed 7): a duplicated key made Jackson fail building a record, a 500. */
    @Test
    void aKeyGivenTwiceIsMalformedJsonNotAServerError() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        given().contentType("application/json").header("Authorization", "Bearer " + jwt)
                .body("{\"status\":\"online\",\"status\":\"\"}").put("/api/v1/agents/me/status")
                .then().statusCode(400).contentType("application/problem+json");
    }

    private static String pathNoise(RandomInput in) {
        return switch (in.nextInt(6)) {
            case 0 -> UUID.randomUUID().toString();
            case 1 -> "-1";
            case 2 -> "99999999999999999999";
            case 3 -> "%00";
            case 4 -> "abc%2F..%2F";
            default -> "";
        };
    }
}
