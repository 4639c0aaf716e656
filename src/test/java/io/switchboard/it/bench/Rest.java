package io.switchboard.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.it.Replica;
import io.switchboard.testing.Fixtures;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The REST calls the scenarios need for their set-up: staff logins and visitor tokens, many at a time. */
final class Rest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Requests in flight when creating visitors: enough to keep two replicas busy, not a flood. */
    private static final int IN_FLIGHT = 32;

    private Rest() {}

    static String login(Replica r, String email) {
        return post(r, "/api/v1/auth/login", Map.of("email", email, "password", Fixtures.PASSWORD)).join().path("token").asText();
    }

    /**
     * {@code n} new anonymous visitors of the channel, created through the widget's REST call
     * on the given replicas in turn; returns their socket tokens in order.
     */
    static List<String> visitorTokens(List<Replica> replicas, String channelKey, int n) {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<String>> tokens = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                slots.acquire();
                tokens.add(retrying(replicas.get(i % replicas.size()), "/api/v1/widget/" + channelKey + "/visitors", 5)
                        .whenComplete((res, err) -> slots.release())
                        .thenApply(res -> res.path("visitorToken").asText()));
            }
            CompletableFuture.allOf(tokens.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + n + " visitors", e);
        }
        return tokens.stream().map(CompletableFuture::join).toList();
    }

    /** 503 means "storage busy, retry" (docs/protocol.md): on a shared PostgreSQL it happens during set-up. */
    private static CompletableFuture<JsonNode> retrying(Replica r, String path, int attempts) {
        return post(r, path, Map.of()).handle((res, err) -> {
            if (err == null) {
                return CompletableFuture.completedFuture(res);
            }
            if (attempts > 1 && String.valueOf(err.getMessage()).contains(": 503 ")) {
                return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                        .thenCompose(x -> retrying(r, path, attempts - 1));
            }
            return CompletableFuture.<JsonNode>failedFuture(err);
        }).thenCompose(x -> x);
    }

    private static CompletableFuture<JsonNode> post(Replica r, String path, Object body) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(r.base() + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            return HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(res -> {
                if (res.statusCode() != 200) {
                    throw new IllegalStateException("POST " + path + " on replica " + r.name + ": " + res.statusCode() + " " + res.body());
                }
                try {
                    return JSON.readTree(res.body());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
