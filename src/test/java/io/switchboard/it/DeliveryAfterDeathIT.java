package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.switchboard.it.Api.field;
import static io.switchboard.it.Api.frame;
import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static io.switchboard.it.Api.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica killed between the commit of a visitor's message and its publish (the fault hook
 * halts it there, as kill -9 would) loses nothing: the message was the visitor's last word,
 * no later message exposes the gap, and still the agent on the surviving replica receives it
 * live, from that replica's delivery sweep. The widget, reconnected to the survivor, re-sends
 * the unacknowledged clientId and gets the original ack; nothing is stored twice.
 */
class DeliveryAfterDeathIT {

    private static final String LAST_WORD = "halt here: my last word";
    /** Grace (2 s) plus a sweep interval (1 s) plus slack for a loaded machine: "live", not "on the next reload". */
    private static final Duration LIVE_WITHIN = Duration.ofSeconds(8);

    private static PackagedApp app;
    private static Replica a;
    private static Replica b;

    @BeforeAll
    static void start() {
        app = PackagedApp.prepare();
        a = new Replica("A", app, "it-delivery-a.log")
                .withEnv("QUARKUS_PROFILE", "prod,faults")
                .withEnv("SWITCHBOARD_FAULTS_HALT_AFTER_COMMIT_TEXT", LAST_WORD);
        b = new Replica("B", app, "it-delivery-b.log");
        Replicas.launch(a, b);
    }

    @AfterAll
    static void stop() {
        Replicas.kill(app, a, b);
    }

    @Test
    void aVisitorsLastWordStoredByAReplicaThatDiedBeforePublishingReachesTheAgentLive() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String agentToken = login(b, agent.email());
        JsonNode visitor = http("POST", a, "/api/v1/widget/" + team.channelKey() + "/visitors", null, Map.of("name", "Lou"), 200);
        String visitorToken = visitor.path("visitorToken").asText();
        try (Inbox console = new Inbox("console on B", WsClient.open(b.base(), "/ws/agent", agentToken))) {
            console.expect("initial status", type("status"));
            String conversation;
            long sent;
            try (Inbox widget = new Inbox("Lou on A", WsClient.open(a.base(), "/ws/visitor", visitorToken))) {
                widget.send(Map.of("type", "message", "clientId", "l-1", "text", "hello"));
                conversation = widget.expect("ack l-1", type("ack").and(field("clientId", "l-1"))).path("conversationId").asText();
                console.expect("assigned", frame("assigned", conversation));
                console.expect("l-1 delivered", frame("message", conversation).and(f -> f.path("seq").asLong() == 1));

                sent = System.nanoTime();
                widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "l-2", "text", LAST_WORD));
                assertThat(a.awaitExit(Duration.ofSeconds(20))).as("A halted by the fault hook after the commit").isEqualTo(137);
                assertThat(widget.socket().closeCode(Duration.ofSeconds(10))).isNotEqualTo(1000);
                assertThat(widget.socket().seen()).noneMatch(f -> "ack".equals(f.path("type").asText())
                        && "l-2".equals(f.path("clientId").asText()));
            }
            long stored = Fixtures.count("select seq from messages where conversation_id = ? and client_id = 'l-2'", conversation);
            assertThat(stored).as("l-2 was committed before A died").isEqualTo(2);

            // No later message, no reload: the survivor's sweep publishes what A stored.
            JsonNode delivered = console.expect("the last word, live", frame("message", conversation)
                    .and(f -> f.path("seq").asLong() == stored));
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(LIVE_WITHIN);
            assertThat(delivered.path("text").asText()).isEqualTo(LAST_WORD);
            assertThat(delivered.path("sender").path("kind").asText()).isEqualTo("visitor");
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count("select count(*) from message_deliveries d "
                    + "join messages m on m.id = d.message_id where m.conversation_id = ?", conversation) == 0);

            // The widget reconnects (the load balancer now picks B) and re-sends what it has no ack for.
            try (Inbox widget = new Inbox("Lou on B", WsClient.open(b.base(), "/ws/visitor", visitorToken))) {
                widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "l-2", "text", LAST_WORD));
                JsonNode ack = widget.expect("ack l-2", frame("ack", conversation).and(field("clientId", "l-2")));
                assertThat(ack.path("seq").asLong()).isEqualTo(stored);
                // The re-send publishes the stored message again: the console holds that seq and drops it.
                console.expect("l-2 again", frame("message", conversation).and(f -> f.path("seq").asLong() == stored));
            }
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = 'l-2'", conversation))
                    .isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", conversation)).isEqualTo(2);
            assertThat(Fixtures.count("select last_seq from conversations where id = ?", conversation)).isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /**
     * The same for a state frame: replica C commits an agent's close and halts before its
     * fan-out. The visitor and the agent, both on B, learn of the close live from B's event
     * sweep, the delivery row is gone, and the agent's live load, which C died before giving
     * back, is corrected from PostgreSQL and told to their console.
     */
    @Test
    void aCloseCommittedByAReplicaThatDiedBeforeItsFanOutReachesTheVisitorAndTheAgentLive() {
        Replica c = new Replica("C", app, "it-delivery-c.log")
                .withEnv("QUARKUS_PROFILE", "prod,faults")
                .withEnv("SWITCHBOARD_FAULTS_HALT_AFTER_EVENT_KIND", "closed");
        Replicas.launch(c);
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        try (Inbox console = new Inbox("console on B", WsClient.open(b.base(), "/ws/agent", login(b, agent.email())));
             Inbox widget = Api.visitorSocket(b, team, "Kim")) {
            console.expect("initial status", type("status"));
            widget.send(Map.of("type", "message", "clientId", "k-1", "text", "hello"));
            String conversation = widget.expect("ack k-1", type("ack").and(field("clientId", "k-1"))).path("conversationId").asText();
            console.expect("assigned", frame("assigned", conversation));
            widget.expect("assigned, visitor side", frame("assigned", conversation));

            long sent = System.nanoTime();
            String onC = login(c, agent.email());
            try {
                Api.call("POST", c, "/api/v1/conversations/" + conversation + "/close", onC, null);
            } catch (IllegalStateException halted) {
                // The answer never comes: C halted after the commit.
            }
            assertThat(c.awaitExit(Duration.ofSeconds(20))).as("C halted by the fault hook after the close committed").isEqualTo(137);
            assertThat(Fixtures.count("select count(*) from conversations where id = ?::uuid and state = 'closed'", conversation))
                    .isEqualTo(1);

            widget.expect("closed, from B's sweep", frame("closed", conversation));
            console.expect("closed, from B's sweep", frame("closed", conversation));
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(LIVE_WITHIN.plusSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count("select count(*) from event_deliveries d "
                    + "join conversation_events e on e.id = d.event_id where e.conversation_id = ?::uuid", conversation) == 0);
            // C never gave the unit back: the reconciler settles the drift from PostgreSQL (two readings
            // 5 s apart) and tells the console.
            try (RedisProbe redis = new RedisProbe("127.0.0.1", 6379)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> redis.load(team.tenantId(), agent.id()) == 0);
            }
            console.expect("the corrected load", type("status").and(f -> f.path("load").asInt(-1) == 0));
        } finally {
            c.kill();
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aProductionLaunchRefusesTheFaultHook() {
        Replica c = new Replica("C", app, "it-delivery-refused.log")
                .withEnv("SWITCHBOARD_FAULTS_HALT_AFTER_COMMIT_TEXT", LAST_WORD);
        c.launch();
        try {
            Integer code = c.awaitExit(Duration.ofSeconds(90));
            assertThat(code).as("exit code; log:\n%s", c.logText()).isNotNull().isNotZero();
            assertThat(c.logText()).contains("refusing to start: switchboard.faults.halt-after-commit-text");
        } finally {
            c.kill();
        }
    }
}
