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
        a.launch();
        b.launch();
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() {
        for (Replica r : new Replica[] {a, b}) {
            if (r != null) {
                r.kill();
            }
        }
        if (app != null) {
            app.close();
        }
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
