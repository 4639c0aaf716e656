package io.switchboard.it;

import io.switchboard.conversation.Chat;
import io.switchboard.report.ConversationRollup;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.switchboard.it.Api.field;
import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static io.switchboard.it.Api.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox survives the death of the replica running a consumer: two packaged replicas, the
 * report roll-up runs on whichever holds its lease; while conversations start and close, that
 * replica is killed with SIGKILL. The other takes the lease over when it runs out and carries
 * on from the cursor: in the end every event of the tenant was applied exactly once (none
 * lost, none counted twice), checked in PostgreSQL.
 */
class OutboxFailoverIT {

    private static PackagedApp app;
    private static Replica a;
    private static Replica b;

    @BeforeAll
    static void start() {
        app = PackagedApp.prepare();
        a = replica("A");
        b = replica("B");
        Replicas.launch(a, b);
    }

    private static Replica replica(String name) {
        // The lease names its holder by host: each replica gets its own, so the test can tell them apart.
        return new Replica(name, app, "it-outbox-" + name.toLowerCase() + ".log")
                .withEnv("HOSTNAME", "outbox-it-" + name)
                .withEnv("SWITCHBOARD_OUTBOX_LEASE", "3s")
                .withEnv("SWITCHBOARD_OUTBOX_POLL", "1s");
    }

    @AfterAll
    static void stop() {
        Replicas.kill(app, a, b);
    }

    @Test
    void theRollupSurvivesAKilledReplicaWithEveryEventAppliedExactlyOnce() throws SQLException {
        Fixtures.Team team = Fixtures.team(2, 50);
        try {
            // Whoever holds the lease (after any earlier run's lease ran out) is the one to kill. The
            // holder is read once a poll: an earlier run's lease may run out between two reads, and
            // a lease an IT replica holds is renewed every second, so the one read stays true.
            AtomicReference<String> seen = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                seen.set(holder());
                return seen.get() != null && seen.get().startsWith("outbox-it-");
            });
            Replica holder = seen.get().startsWith("outbox-it-A/") ? a : b;
            Replica survivor = holder == a ? b : a;
            String admin = login(survivor, team.adminEmail());

            for (int i = 0; i < 5; i++) {
                converse(survivor, team, admin, "before-" + i);
            }
            // The holder has applied some of this tenant's events: it is mid-work when it dies.
            await().atMost(Duration.ofSeconds(20)).until(() -> applied(team.tenantId()) > 0);
            holder.kill();
            for (int i = 0; i < 10; i++) {
                converse(survivor, team, admin, "after-" + i);
            }

            // The survivor takes the consumer over once the dead replica's lease ran out, and catches up.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(holder()).startsWith("outbox-it-" + survivor.name + "/");
                assertThat(unapplied(team.tenantId())).as("events of the tenant not yet applied").isZero();
            });
            // Exactly once: one applied id per event, and counters equal to the events they count.
            assertThat(applied(team.tenantId())).isEqualTo(Fixtures.count(
                    "select count(*) from conversation_events where tenant_id = ? and kind in " + KINDS, team.tenantId()));
            assertThat(Fixtures.count("select count(*) from report_conversation_facts where tenant_id = ?", team.tenantId()))
                    .isEqualTo(15);
            assertThat(Fixtures.count("""
                    select count(*) from report_conversation_facts f
                    where f.tenant_id = ? and (f.assignments <> (select count(*) from conversation_events e
                                                                  where e.conversation_id = f.conversation_id and e.kind = 'assigned')
                                               or f.close_reason is distinct from 'supervisor' or f.closed_at is null
                                               or f.queued_at is null)""", team.tenantId()))
                    .as("conversations whose facts disagree with their events").isZero();
            assertThat(Fixtures.count("select coalesce(sum(assignments), 0) from report_conversation_facts where tenant_id = ?",
                    team.tenantId())).isEqualTo(Fixtures.count(
                    "select count(*) from conversation_events where tenant_id = ? and kind = 'assigned'", team.tenantId()));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** A visitor writes on the survivor, which starts (and routes) a conversation; a supervisor closes it. */
    private static void converse(Replica r, Fixtures.Team team, String admin, String name) {
        try (Inbox widget = Api.visitorSocket(r, team, name)) {
            widget.send(Map.of("type", "message", "clientId", name + "-1", "text", "hello"));
            String conversation = widget.expect("ack", type("ack").and(field("clientId", name + "-1")))
                    .path("conversationId").asText();
            http("POST", r, "/api/v1/conversations/" + conversation + "/close", admin, null, 200);
            widget.expect("closed", type("closed").and(field("conversationId", conversation)));
        }
    }

    private static String holder() throws SQLException {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "select lease_owner from outbox_cursors where consumer = ? and lease_until > now()")) {
            ps.setString(1, ConversationRollup.NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long applied(String tenantId) {
        return Fixtures.count("""
                select count(*) from report_applied_events a join conversation_events e on e.id = a.event_id
                where e.tenant_id = ?""", tenantId);
    }

    private static long unapplied(String tenantId) {
        return Fixtures.count("""
                select count(*) from conversation_events e
                where e.tenant_id = ? and e.kind in """ + KINDS + """
                  and not exists (select 1 from report_applied_events a where a.event_id = e.id)""", tenantId);
    }

    /** The kinds the roll-up applies (ConversationRollup.KINDS), as SQL. */
    private static final String KINDS = "('queued', 'assigned', 'reassigned', 'released', 'transferred', 'closed', 'rated')";
}
