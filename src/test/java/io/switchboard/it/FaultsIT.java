package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.switchboard.it.Api.field;
import static io.switchboard.it.Api.frame;
import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static io.switchboard.it.Api.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 5 faults against two packaged replicas sharing PostgreSQL and a private Redis
 * (its own redis-server on a free port, so the machine's Redis is never touched): Redis
 * restarts mid-conversation, then one replica dies by SIGKILL mid-conversation. In both,
 * nothing acknowledged is lost or doubled and the agents' live loads equal PostgreSQL's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    private static PackagedApp app;
    private static Replica a;
    private static Replica b;
    private static Process redis;
    private static int redisPort;

    @BeforeAll
    static void start() throws Exception {
        redisPort = freePort();
        startRedis();
        app = PackagedApp.prepare();
        a = new Replica("A", app, "it-faults-a.log").withEnv("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        b = new Replica("B", app, "it-faults-b.log").withEnv("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        Replicas.launch(a, b);
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.destroyForcibly();
        }
        Replicas.kill(app, a, b);
    }

    @Test
    @Order(1)
    void redisRestartMidConversation() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String agentToken = login(b, agent.email());
        try (Inbox console = new Inbox("console on B", WsClient.open(b.base(), "/ws/agent", agentToken));
             Inbox widget = Api.visitorSocket(a, team, "Vera")) {
            console.expect("initial status", type("status"));
            widget.send(Map.of("type", "message", "clientId", "v-1", "text", "before"));
            String conversation = widget.expect("ack v-1", type("ack").and(field("clientId", "v-1"))).path("conversationId").asText();
            console.expect("v-1 delivered", frame("message", conversation));

            restartRedis();

            // Both replicas re-subscribe and tell their sockets to resume.
            widget.expect("resync", type("notice").and(field("code", "resync")));
            console.expect("resync", type("notice").and(field("code", "resync")));
            a.awaitReady();
            b.awaitReady();

            // Traffic resumes both ways, across replicas.
            widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "v-2", "text", "after"));
            long seq = widget.expect("ack v-2", frame("ack", conversation).and(field("clientId", "v-2"))).path("seq").asLong();
            console.expect("v-2 delivered", frame("message", conversation).and(f -> f.path("seq").asLong() == seq));
            console.send(Map.of("type", "message", "conversationId", conversation, "clientId", "a-1", "text", "reply"));
            long reply = console.expect("ack a-1", frame("ack", conversation).and(field("clientId", "a-1"))).path("seq").asLong();
            widget.expect("reply delivered", frame("message", conversation).and(f -> f.path("seq").asLong() == reply));

            // A new conversation after the restart gets exactly one agent, and the live load (rebuilt from
            // PostgreSQL since Redis forgot it) counts both.
            try (Inbox second = Api.visitorSocket(b, team, "Walt")) {
                second.send(Map.of("type", "message", "clientId", "w-1", "text", "me too"));
                String other = second.expect("ack w-1", type("ack").and(field("clientId", "w-1"))).path("conversationId").asText();
                second.expect("assigned once", frame("assigned", other));
                assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'assigned'", other))
                        .isLessThanOrEqualTo(1);
            }
            assertLoadExact(team, agent, agentToken);
            assertStoredOnce(conversation, List.of("v-1", "v-2", "a-1"));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    @Order(2)
    void replicaKilledMidConversation() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String agentToken = login(b, agent.email());
        JsonNode visitor = http("POST", a, "/api/v1/widget/" + team.channelKey() + "/visitors", null, Map.of("name", "Kim"), 200);
        String visitorToken = visitor.path("visitorToken").asText();
        try (Inbox console = new Inbox("console on B", WsClient.open(b.base(), "/ws/agent", agentToken))) {
            console.expect("initial status", type("status"));
            String conversation;
            long lastSeen;
            try (Inbox widget = new Inbox("Kim on A", WsClient.open(a.base(), "/ws/visitor", visitorToken))) {
                widget.send(Map.of("type", "message", "clientId", "k-1", "text", "one"));
                conversation = widget.expect("ack k-1", type("ack").and(field("clientId", "k-1"))).path("conversationId").asText();
                widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "k-2", "text", "two"));
                lastSeen = widget.expect("ack k-2", frame("ack", conversation).and(field("clientId", "k-2"))).path("seq").asLong();
                // The agent may answer only once the conversation is theirs.
                console.expect("assigned", frame("assigned", conversation));
                // k-3 is in flight when the replica dies: it may or may not have been stored.
                widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "k-3", "text", "three"));
                a.kill();
                assertThat(widget.socket().closeCode(Duration.ofSeconds(10))).isNotEqualTo(1000);
            }

            // The visitor reconnects (the load balancer now picks B), resumes and re-sends k-3 with its clientId.
            try (Inbox widget = new Inbox("Kim on B", WsClient.open(b.base(), "/ws/visitor", visitorToken))) {
                widget.send(Map.of("type", "resume", "conversationId", conversation, "lastSeq", lastSeen));
                widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "k-3", "text", "three"));
                long k3 = widget.expect("ack k-3", frame("ack", conversation).and(field("clientId", "k-3"))).path("seq").asLong();
                assertThat(k3).isGreaterThan(lastSeen);
                console.send(Map.of("type", "message", "conversationId", conversation, "clientId", "b-1", "text", "still here"));
                long reply = console.expect("ack b-1", frame("ack", conversation).and(field("clientId", "b-1"))).path("seq").asLong();
                widget.expect("reply on the new socket", frame("message", conversation).and(f -> f.path("seq").asLong() == reply));
            }
            assertStoredOnce(conversation, List.of("k-1", "k-2", "k-3", "b-1"));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open' and assignee_id = ?",
                    conversation, agent.id())).isEqualTo(1);
            assertLoadExact(team, agent, agentToken);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertStoredOnce(String conversation, List<String> clientIds) {
        for (String id : clientIds) {
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = ?", conversation, id))
                    .as("rows for clientId %s", id).isEqualTo(1);
        }
        assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind in ('visitor', 'agent')",
                conversation)).isEqualTo(clientIds.size());
        assertThat(Fixtures.count("select count(distinct seq) - count(*) from messages where conversation_id = ?", conversation))
                .as("sequence numbers are unique").isZero();
    }

    private static void assertLoadExact(Fixtures.Team team, Fixtures.Agent agent, String token) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            long open = Fixtures.count("select count(*) from conversations where tenant_id = ? and assignee_id = ? and state = 'open'",
                    team.tenantId(), agent.id());
            assertThat(http("GET", b, "/api/v1/me", token, null, 200).path("load").asLong()).isEqualTo(open);
        });
    }

    private static void startRedis() throws IOException {
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .directory(Path.of(System.getProperty("java.io.tmpdir")).toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", redisPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void restartRedis() throws Exception {
        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(500);
        startRedis();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
