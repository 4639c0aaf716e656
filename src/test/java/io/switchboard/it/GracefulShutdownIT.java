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
import static io.switchboard.it.Api.login;
import static io.switchboard.it.Api.type;
import static io.switchboard.it.Api.visitorSocket;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica told to stop (SIGTERM, as Kubernetes does) tells every socket to reconnect
 * elsewhere with {@code notice reconnect}, closes it with 1012 once the frames in hand are
 * answered, and exits; what it acknowledged is stored.
 */
class GracefulShutdownIT {

    private static PackagedApp app;
    private static Replica replica;

    @BeforeAll
    static void start() {
        app = PackagedApp.prepare();
        replica = new Replica("S", app, "it-shutdown.log");
        Replicas.launch(replica);
    }

    @AfterAll
    static void cleanUp() {
        Replicas.kill(app, replica);
    }

    @Test
    void socketsAreToldToReconnectAndClosedWith1012() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        Inbox console = new Inbox("console", WsClient.open(replica.base(), "/ws/agent", login(replica, agent.email())));
        Inbox widget = visitorSocket(replica, team, "Vera");
        console.expect("initial status", type("status"));

        widget.send(Map.of("type", "message", "clientId", "v-1", "text", "before the restart"));
        String conversation = widget.expect("ack", type("ack").and(field("clientId", "v-1"))).path("conversationId").asText();
        console.expect("the message", frame("message", conversation));

        // A frame sent just before the stop is still answered: either acknowledged, or never stored.
        widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "v-2", "text", "as it stops"));
        long stopAt = System.nanoTime();
        replica.stop();

        for (Inbox socket : new Inbox[] {widget, console}) {
            JsonNode notice = socket.expect("notice reconnect", type("notice").and(field("code", "reconnect")));
            assertThat(notice.path("text").asText()).isNotBlank();
            assertThat(socket.socket().closeCode(Duration.ofSeconds(15))).isEqualTo(1012);
        }
        boolean acked = widget.socket().seen().stream()
                .anyMatch(f -> "ack".equals(f.path("type").asText()) && "v-2".equals(f.path("clientId").asText()));
        long stored = Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = 'v-2'", conversation);
        if (acked) {
            assertThat(stored).as("an acknowledged message is stored").isEqualTo(1);
        }
        replica.awaitStopped();
        assertThat(replica.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).as("stopped well within the grace period")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(replica.logText()).contains("draining: asking");
        Chat.retire(team.tenantId());
    }
}
