package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.switchboard.it.Api.JSON;
import static io.switchboard.it.Api.call;
import static io.switchboard.it.Api.field;
import static io.switchboard.it.Api.frame;
import static io.switchboard.it.Api.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL goes away under a running replica and comes back. Its own throwaway server
 * (embedded PostgreSQL on a free port), never the machine's. While it is down requests fail
 * with a retryable 503 problem and message frames with {@code error unavailable}, and nothing
 * is acknowledged that was not stored; once it is back the replica serves again by itself.
 */
class PostgresRestartIT {

    private static Path dataDir;
    private static int port;
    private static EmbeddedPostgres pg;
    private static PackagedApp app;
    private static Replica replica;

    @BeforeAll
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("switchboard-it-pg-");
        port = freePort();
        pg = startPostgres();
        String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        System.setProperty(Fixtures.OVERRIDE, jdbcUrl);
        app = PackagedApp.prepare();
        replica = new Replica("P", app, "it-postgres-restart.log")
                .withEnv("DB_JDBC_URL", jdbcUrl)
                .withEnv("DB_REACTIVE_URL", jdbcUrl.substring("jdbc:".length()));
        Replicas.launch(replica);
    }

    @AfterAll
    static void stop() throws IOException {
        System.clearProperty(Fixtures.OVERRIDE);
        if (replica != null) {
            replica.kill();
        }
        if (pg != null) {
            pg.close();
        }
        if (app != null) {
            app.close();
        }
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void requestsFailRetryablyWhileDownAndServiceRecovers() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String email = team.agents().get(0).email();
        JsonNode visitor = Api.http("POST", replica, "/api/v1/widget/" + team.channelKey() + "/visitors", null, Map.of(), 200);
        try (Inbox widget = new Inbox("widget", WsClient.open(replica.base(), "/ws/visitor", visitor.path("visitorToken").asText()))) {
            widget.send(Map.of("type", "message", "clientId", "p-1", "text", "before"));
            String conversation = widget.expect("ack p-1", type("ack").and(field("clientId", "p-1"))).path("conversationId").asText();

            pg.close();
            pg = null;

            HttpResponse<String> login = call("POST", replica, "/api/v1/auth/login", null, Map.of("email", email, "password", Fixtures.PASSWORD));
            assertThat(login.statusCode()).as(login.body()).isEqualTo(503);
            assertThat(login.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(JSON.readTree(login.body()).path("status").asInt()).isEqualTo(503);

            widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "p-2", "text", "while down"));
            JsonNode refused = widget.expect("p-2 refused", type("error").and(field("ref", "p-2")));
            assertThat(refused.path("code").asText()).isEqualTo("unavailable");
            assertThat(widget.socket().isClosed()).as("the socket survives the outage").isFalse();

            pg = startPostgres();

            // The same frame, re-sent as a client does after an error, is stored once the database is back.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "p-2", "text", "while down"));
                assertThat(widget.expect("p-2 answered", f -> "p-2".equals(f.path("clientId").asText())
                        || "p-2".equals(f.path("ref").asText())).path("type").asText()).isEqualTo("ack");
            });
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = 'p-2'", conversation))
                    .isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'visitor'", conversation))
                    .isEqualTo(2);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(call("POST", replica, "/api/v1/auth/login", null,
                    Map.of("email", email, "password", Fixtures.PASSWORD)).statusCode()).isEqualTo(200));
        }
    }

    /** On the same data directory each time; never cleaned on close, or the restart would find an empty cluster. */
    private static EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
