package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.EventLog;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * State frames survive a replica that dies between the commit of an event and its fan-out
 * (docs/operations.md, "Message delivery"). Such a replica leaves exactly what these tests
 * write by hand: the change, its event and the event's delivery row, committed, and nothing
 * published. The event sweep of a living replica (this one) announces it with the frames the
 * dead one would have sent; an event a later one superseded is dropped instead; and events
 * the living path announced are marked before the sweep would look at them.
 */
@QuarkusTest
class EventSweepTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    EventLog log;

    @Inject
    Pool pool;

    /** Commits an event as a replica that died right after would have left it: recorded for delivery, a minute ago. */
    private static long recordedUnannounced(String tenantId, String conversationId, String kind, String actorKind,
                                            String actorId, String data) {
        try (Connection c = Fixtures.connect()) {
            return recordedUnannounced(c, tenantId, conversationId, kind, actorKind, actorId, data);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long recordedUnannounced(Connection c, String tenantId, String conversationId, String kind, String actorKind,
                                            String actorId, String data) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                     with e as (
                       insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, actor_id, data)
                       values (?::uuid, ?::uuid, ?, ?, ?::uuid, ?::jsonb) returning id
                     ), d as (
                       insert into event_deliveries (event_id, stored_at) select id, now() - interval '1 minute' from e
                     )
                     select id from e""")) {
            s.setString(1, tenantId);
            s.setString(2, conversationId);
            s.setString(3, kind);
            s.setString(4, actorKind);
            s.setString(5, actorId);
            s.setString(6, data);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static void execute(String sql, String... args) {
        try (Connection c = Fixtures.connect()) {
            execute(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }

    /** Logs the agent in and puts them on a break: their visitors wait in the queue until assigned by hand. */
    private static String onBreak(Fixtures.Agent agent) {
        String jwt = Chat.login(agent.email());
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("status", "break"))
                .when().put("/api/v1/agents/me/status").then().statusCode(200);
        return jwt;
    }

    private static long undelivered(long eventId) {
        return Fixtures.count("select count(*) from event_deliveries where event_id = ?", eventId);
    }

    @Test
    void anAnnouncedEventIsRecordedForDeliveryWithItsChangeAndOneNobodyHearsOfIsNot() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agent = team.agents().get(0).id();
        try {
            long[] ids = pool.withTransaction(conn -> log.append(conn, new DomainEvent.AgentStatusChanged(team.tenantId(), agent, "online"))
                            .flatMap(announced -> log.append(conn, new DomainEvent.CapacityFreed(team.tenantId(), agent))
                                    .map(silent -> new long[] {announced, silent})))
                    .await().atMost(WAIT);
            assertThat(undelivered(ids[0])).as("announced: recorded for delivery in the same commit").isEqualTo(1);
            assertThat(undelivered(ids[1])).as("capacity_freed: nobody hears of it").isZero();
            // Nobody marks it (no fan-out ran): the sweep announces it after the grace period.
            await().atMost(WAIT).until(() -> undelivered(ids[0]) == 0);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void eventsAnnouncedByTheirReplicaAreMarkedBeforeTheSweepWouldLookAtThem() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agent = Chat.agentSocket(base, jwt);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);
            given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(200);
            long closedAt = System.nanoTime();
            v.await(type("closed", c), WAIT);
            // Marks linger 100 ms; the sweep looks only at rows older than its grace (2 s).
            await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50)).until(() -> Fixtures.count("""
                    select count(*) from event_deliveries d join conversation_events e on e.id = d.event_id
                    where e.conversation_id = ?::uuid""", c) == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(2));
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ?::uuid and kind in ('assigned', 'closed')", c))
                    .isEqualTo(2);
            // And announced once: no second closed after the grace period.
            List<JsonNode> later = v.drain(Duration.ofMillis(3500));
            assertThat(later).noneMatch(type("closed", c));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aCloseNoReplicaAnnouncedReachesTheVisitorAndTheAssigneeWithTheirFigures() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agentId = team.agents().get(0).id();
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agent = Chat.agentSocket(base, jwt);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);

            // The dead replica's commit: the conversation closed by its agent, the event, nothing published.
            execute("update conversations set state = 'closed', closed_at = now(), close_reason = 'agent' where id = ?::uuid", c);
            recordedUnannounced(team.tenantId(), c, "closed", "agent", agentId, "{\"reason\":\"agent\"}");

            JsonNode closed = v.await(type("closed", c), WAIT);
            assertThat(closed.path("reason").asText()).isEqualTo("agent");
            assertThat(agent.await(type("closed", c), WAIT).path("reason").asText()).isEqualTo("agent");
            // Their figures as they are now, after the close: the frame the dead replica owed them.
            assertThat(agent.await(type("status"), WAIT).has("load")).isTrue();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anAssignmentNoReplicaAnnouncedGivesTheAgentTheConversationWithItsHistoryAndTellsTheVisitor() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent bo = team.agents().get(0);
        String jwt = onBreak(bo);
        try (WsClient agent = Chat.agentSocket(base, jwt);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "where is my parcel").path("conversationId").asText();

            // The dead replica assigned it by hand and committed; the assignee and the visitor heard nothing.
            execute("update conversations set state = 'open', assignee_id = ?::uuid, assigned_at = now() where id = ?::uuid",
                    bo.id(), c);
            recordedUnannounced(team.tenantId(), c, "assigned", "staff", bo.id(),
                    "{\"manual\":\"assign\",\"chosen\":\"" + bo.id() + "\",\"load\":1}");

            JsonNode assigned = agent.await(type("assigned", c), WAIT);
            assertThat(assigned.path("agent").path("id").asText()).isEqualTo(bo.id());
            JsonNode history = agent.await(type("message", c), WAIT);
            assertThat(history.path("text").asText()).isEqualTo("where is my parcel");
            assertThat(v.await(type("assigned", c), WAIT).path("agent").path("id").asText()).isEqualTo(bo.id());
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anEventALaterOneSupersededIsDroppedNotAnnounced() throws SQLException {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent bo = team.agents().get(0);
        String jwt = onBreak(bo);
        try (WsClient agent = Chat.agentSocket(base, jwt);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            // A dead replica's assignment, then a close another replica committed and announced
            // (no delivery row left): the assignment's frames would describe what no longer is.
            // One transaction, so that no sweep finds the assignment before the close exists (a
            // sweep then would rightly announce it: it was still true).
            long assigned;
            try (Connection tx = Fixtures.connect()) {
                tx.setAutoCommit(false);
                assigned = recordedUnannounced(tx, team.tenantId(), c, "assigned", "staff", bo.id(),
                        "{\"manual\":\"assign\",\"chosen\":\"" + bo.id() + "\",\"load\":1}");
                execute(tx, "update conversations set state = 'closed', closed_at = now(), close_reason = 'agent', assignee_id = ?::uuid where id = ?::uuid",
                        bo.id(), c);
                execute(tx, """
                        insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, data)
                        values (?::uuid, ?::uuid, 'closed', 'system', '{"reason":"agent"}'::jsonb)""", team.tenantId(), c);
                tx.commit();
            }

            await().atMost(WAIT).until(() -> undelivered(assigned) == 0);
            List<JsonNode> frames = v.drain(Duration.ofMillis(300));
            assertThat(frames).noneMatch(type("assigned", c));
            assertThat(agent.drain(Duration.ofMillis(300))).noneMatch(type("assigned", c));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aDeliveryRowWhoseEventIsGoneIsDropped() {
        long id = Long.MAX_VALUE - System.nanoTime() % 1_000_000;
        execute("insert into event_deliveries (event_id, stored_at) values (" + id + ", now() - interval '1 minute')");
        await().atMost(WAIT).until(() -> undelivered(id) == 0);
    }
}
