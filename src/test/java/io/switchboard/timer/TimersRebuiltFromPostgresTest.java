package io.switchboard.timer;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.routing.live.Deadlines;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Timers outlive Redis's data (B6, DESIGN "everything in Redis can be rebuilt"): the deadlines
 * are derived from PostgreSQL's rows, so after a FLUSHALL the reconciler sets them again and
 * conversations still close and reassign on time; a firing that fails stays due and is tried
 * again. A settings "minute" lasts one second in tests, and a failed firing is retried after
 * one second, then two...
 */
@QuarkusTest
class TimersRebuiltFromPostgresTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Inject
    Deadlines deadlines;

    private static void settings(Fixtures.Team team, Map<String, Object> body) {
        given().auth().oauth2(Chat.login(team.adminEmail())).contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/admin/settings").then().statusCode(200);
    }

    /** Seconds from the visitor's last message (or the assignment, if later) to the close. */
    private static long closedAfterMillis(String conversationId) {
        return Fixtures.count("""
                select (extract(epoch from closed_at - greatest(last_visitor_message_at, assigned_at)) * 1000)::bigint
                from conversations where id = ?""", conversationId);
    }

    @Test
    void autoCloseDeadlinesLostInAFlushAreRebuiltAndStillCloseOnTime() {
        Fixtures.Team team = Fixtures.team(1, 5);
        settings(team, Map.of("autoCloseMinutes", 4));
        List<WsClient> visitors = new ArrayList<>();
        List<String> conversations = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                visitors.add(v);
                String c = Chat.send(v, null, clientId(), "hello " + i).path("conversationId").asText();
                Chat.received(v, Chat.type("assigned", c));
                conversations.add(c);
            }
            await().atMost(Duration.ofSeconds(3)).until(() -> redis.sortedSet(String.class)
                    .zcard(RedisKeys.deadlines(team.tenantId())) == 2);

            assertThat(redis.execute("FLUSHALL").toString()).isEqualTo("OK");
            assertThat(redis.sortedSet(String.class).zcard(RedisKeys.deadlines(team.tenantId()))).isZero();

            // The reconciler (every 5 s) finds the tenant's marker gone and derives the deadlines again.
            for (int i = 0; i < 2; i++) {
                String c = conversations.get(i);
                visitors.get(i).await(Chat.type("closed", c), Duration.ofSeconds(15));
                assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'closed' and close_reason = 'timeout'", c))
                        .isOne();
                // On time: four seconds of silence, late by at most a reconciler interval and a poll.
                assertThat(closedAfterMillis(c)).isBetween(4_000L, 4_000L + 5_000 + 2_000);
                assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'system'", c)).isOne();
            }
        } finally {
            visitors.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anAutoReassignLostInAFlushIsRebuiltToo() {
        Fixtures.Team team = Fixtures.team(2, 5);
        settings(team, Map.of("autoReassignMinutes", 4));
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            String first = Chat.received(v, Chat.type("assigned", c)).path("agent").path("id").asText();
            await().atMost(Duration.ofSeconds(3)).until(() -> redis.sortedSet(String.class)
                    .zscore(RedisKeys.deadlines(team.tenantId()), "reassign:" + c).isPresent());

            assertThat(redis.execute("FLUSHALL").toString()).isEqualTo("OK");

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                    Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'reassigned'", c) == 1);
            long reassignedAfter = Fixtures.count("""
                    select (extract(epoch from e.created_at - c.created_at) * 1000)::bigint
                    from conversation_events e join conversations c on c.id = e.conversation_id
                    where e.conversation_id = ? and e.kind = 'reassigned'""", c);
            assertThat(reassignedAfter).isBetween(4_000L, 4_000L + 5_000 + 2_000);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ?", c, first)).isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aFiringThatFailsStaysDueAndIsRetried() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        settings(team, Map.of("autoCloseMinutes", 2));
        String trigger = "refuse_close_" + team.tenantId().replace("-", "");
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            // The close fails in PostgreSQL, as it would with the database away.
            refuseClose(trigger, c);
            String member = "close:" + c;
            await().atMost(Duration.ofSeconds(10)).until(() -> tries(team.tenantId(), member) >= 1);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open'", c)).isOne();
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'system'", c)).isZero();
            // Still due, at its retry time, not dropped.
            assertThat(redis.sortedSet(String.class).zscore(RedisKeys.deadlines(team.tenantId()), member)).isPresent();

            allowClose(trigger);
            v.await(Chat.type("closed", c), Duration.ofSeconds(10));
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'system'", c)).isOne();
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'auto_closed'", c)).isOne();
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(redis.sortedSet(String.class).zscore(RedisKeys.deadlines(team.tenantId()), member)).isEmpty();
                assertThat(tries(team.tenantId(), member)).isZero();
            });
        } finally {
            allowClose(trigger);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aDueDeadlineIsClaimedOnceAndItsRetryBacksOff() {
        String tenant = java.util.UUID.randomUUID().toString();
        String member = "close:" + java.util.UUID.randomUUID();
        long now = System.currentTimeMillis();
        deadlines.set(tenant, member, now - 10).await().atMost(Duration.ofSeconds(5));
        Deadlines.Due due = deadlines.due(tenant, now, 10).await().atMost(Duration.ofSeconds(5)).get(0);

        // Two replicas found it due: one takes it.
        Optional<Long> first = deadlines.claim(tenant, due, now, 1_000, 8_000).await().atMost(Duration.ofSeconds(5));
        Optional<Long> second = deadlines.claim(tenant, due, now, 1_000, 8_000).await().atMost(Duration.ofSeconds(5));
        assertThat(first).contains(now + 1_000);
        assertThat(second).isEmpty();

        // Its firing failed: due again at the lease, then each failure waits twice as long, up to the ceiling.
        long at = first.get();
        long[] waits = new long[4];
        for (int i = 0; i < waits.length; i++) {
            Deadlines.Due again = deadlines.due(tenant, at, 10).await().atMost(Duration.ofSeconds(5)).get(0);
            long lease = deadlines.claim(tenant, again, at, 1_000, 8_000).await().atMost(Duration.ofSeconds(5)).orElseThrow();
            waits[i] = lease - at;
            at = lease;
        }
        assertThat(waits).containsExactly(2_000, 4_000, 8_000, 8_000);

        // A visitor message moved it while it was fired: the new deadline stands.
        deadlines.set(tenant, member, at + 60_000).await().atMost(Duration.ofSeconds(5));
        deadlines.done(tenant, member, at).await().atMost(Duration.ofSeconds(5));
        assertThat(redis.sortedSet(String.class).zscore(RedisKeys.deadlines(tenant), member)).hasValue((double) at + 60_000);
        assertThat(tries(tenant, member)).isZero();
        redis.key().del(RedisKeys.deadlines(tenant), RedisKeys.deadlineTries(tenant));
    }

    private long tries(String tenantId, String member) {
        String n = redis.hash(String.class).hget(RedisKeys.deadlineTries(tenantId), member);
        return n == null ? 0 : Long.parseLong(n);
    }

    static void refuseClose(String name, String conversationId) throws SQLException {
        try (Connection c = Fixtures.connect(); Statement st = c.createStatement()) {
            st.execute("create or replace function " + name + "() returns trigger language plpgsql as $$ begin "
                    + "raise exception 'closing refused'; end $$");
            st.execute("create trigger " + name + " before update on conversations for each row when (new.id = '"
                    + conversationId + "' and new.state = 'closed') execute function " + name + "()");
        }
    }

    static void allowClose(String name) throws SQLException {
        try (Connection c = Fixtures.connect(); Statement st = c.createStatement()) {
            st.execute("drop trigger if exists " + name + " on conversations");
            st.execute("drop function if exists " + name + "()");
        }
    }
}
