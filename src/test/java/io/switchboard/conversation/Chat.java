package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;

/**
 * Small helpers shared by the socket tests: logging in, getting visitor tokens, opening
 * sockets and building frames. Everything goes through the public API, as a client would.
 */
public final class Chat {

    public static final Duration WAIT = Duration.ofSeconds(10);

    public record Visitor(String id, String token) {}

    private Chat() {}

    /** Logs a staff member in and returns their JWT. */
    public static String login(String email) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", Fixtures.PASSWORD))
                .when().post("/api/v1/auth/login")
                .then().statusCode(200)
                .extract().path("token");
    }

    /** A fresh anonymous visitor of the channel. */
    public static Visitor visitor(String channelKey) {
        var body = given().contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/v1/widget/" + channelKey + "/visitors")
                .then().statusCode(200)
                .extract();
        return new Visitor(body.path("visitorId"), body.path("visitorToken"));
    }

    /** {@code http://localhost:port} without a trailing slash, the form {@link WsClient#open} expects. */
    public static String base(URL url) {
        return url.toString().replaceAll("/+$", "");
    }

    public static WsClient visitorSocket(URL base, String token) {
        return WsClient.open(base(base), "/ws/visitor", token);
    }

    /** Opens an agent socket and waits for its first {@code status} frame, which comes once its events are subscribed. */
    public static WsClient agentSocket(URL base, String jwt) {
        WsClient ws = WsClient.open(base(base), "/ws/agent", jwt);
        ws.awaitType("status");
        return ws;
    }

    public static String clientId() {
        return "c-" + UUID.randomUUID();
    }

    /** A frame as an ordered map; {@code kv} alternates names and values, nulls are left out. */
    public static Map<String, Object> frame(String type, Object... kv) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", type);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                f.put((String) kv[i], kv[i + 1]);
            }
        }
        return f;
    }

    public static Predicate<JsonNode> type(String type) {
        return f -> type.equals(f.path("type").asText());
    }

    public static Predicate<JsonNode> type(String type, String conversationId) {
        return f -> type.equals(f.path("type").asText()) && conversationId.equals(f.path("conversationId").asText());
    }

    public static Predicate<JsonNode> ackOf(String clientId) {
        return f -> "ack".equals(f.path("type").asText()) && clientId.equals(f.path("clientId").asText());
    }

    public static Predicate<JsonNode> errorFor(String clientId) {
        return f -> "error".equals(f.path("type").asText()) && clientId.equals(f.path("ref").asText());
    }

    public static Predicate<JsonNode> messageSeq(long seq) {
        return f -> "message".equals(f.path("type").asText()) && f.path("seq").asLong() == seq;
    }

    /** Sends a message frame and returns its ack (or fails with whatever error came instead). */
    public static JsonNode send(WsClient ws, String conversationId, String clientId, String text) {
        ws.send(frame("message", "conversationId", conversationId, "clientId", clientId, "text", text));
        JsonNode reply = ws.await(ackOf(clientId).or(errorFor(clientId)), WAIT);
        if (!"ack".equals(reply.path("type").asText())) {
            throw new AssertionError("expected an ack for " + clientId + " but got " + reply);
        }
        return reply;
    }

    /**
     * A matching frame the socket already got, or else the next one. Use it for frames that
     * may overtake the reply being awaited: a visitor's {@code assigned} or {@code queued}
     * can arrive before the ack of the first message, and {@link WsClient#await} would have
     * stepped over it into {@link WsClient#seen()}.
     */
    public static JsonNode received(WsClient ws, Predicate<JsonNode> match) {
        return receivedSince(ws, 0, match);
    }

    /** Like {@link #received} but only among frames from index {@code from} of {@link WsClient#seen()} on. */
    public static JsonNode receivedSince(WsClient ws, int from, Predicate<JsonNode> match) {
        List<JsonNode> seen = ws.seen();
        for (int i = from; i < seen.size(); i++) {
            if (match.test(seen.get(i))) {
                return seen.get(i);
            }
        }
        return ws.await(match, WAIT);
    }

    /** A {@code queued} frame of the conversation stating the given position. */
    public static Predicate<JsonNode> queuedAt(String conversationId, int position) {
        return f -> "queued".equals(f.path("type").asText()) && conversationId.equals(f.path("conversationId").asText())
                && f.path("position").asInt() == position;
    }

    public static List<JsonNode> ofType(List<JsonNode> frames, String type) {
        return frames.stream().filter(type(type)).toList();
    }

    /**
     * Ends every live conversation of a test tenant straight in PostgreSQL, so that the
     * periodic queue sweep does not keep working for teams whose test has finished.
     */
    public static void retire(String tenantId) {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "update conversations set state = 'closed', closed_at = now(), close_reason = 'timeout' "
                        + "where tenant_id = ? and state <> 'closed'")) {
            ps.setObject(1, UUID.fromString(tenantId));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
