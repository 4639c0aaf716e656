package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The public API of a packaged replica as the integration tests use it: REST calls, sockets, frame matchers. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Api() {}

    static String login(Replica r, String email) {
        return http("POST", r, "/api/v1/auth/login", null, Map.of("email", email, "password", Fixtures.PASSWORD), 200)
                .path("token").asText();
    }

    /** A new anonymous visitor of the team's widget with an open socket on the given replica. */
    static Inbox visitorSocket(Replica r, Fixtures.Team team, String name) {
        JsonNode visitor = http("POST", r, "/api/v1/widget/" + team.channelKey() + "/visitors", null, Map.of("name", name), 200);
        Inbox inbox = new Inbox(name + " on " + r.name, WsClient.open(r.base(), "/ws/visitor", visitor.path("visitorToken").asText()));
        // A socket handles its frames one at a time, the first only after @OnOpen (which subscribes the
        // visitor's channel) has completed: an answered frame proves this replica now hears about the visitor.
        inbox.send(Map.of("type", "sync"));
        inbox.expect("error for the sync frame", type("error").and(field("code", "unknown_type")));
        return inbox;
    }

    static JsonNode http(String method, Replica r, String path, String token, Object body, int expectedStatus) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(r.base() + path)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json");
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                req.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                req.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as("%s %s on replica %s: %s", method, path, r.name, res.body()).isEqualTo(expectedStatus);
            return res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " on replica " + r.name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Predicate<JsonNode> type(String type) {
        return f -> type.equals(f.path("type").asText());
    }

    static Predicate<JsonNode> frame(String type, String conversationId) {
        return type(type).and(field("conversationId", conversationId));
    }

    static Predicate<JsonNode> field(String name, String value) {
        return f -> value.equals(f.path(name).asText());
    }

    /** Any status: for calls whose answer depends on a fault being injected. */
    static HttpResponse<String> call(String method, Replica r, String path, String token, Object body) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(r.base() + path)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json");
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            req.header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " on replica " + r.name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
