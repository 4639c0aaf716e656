package io.switchboard.timer;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis loses the tenant's live state; the reconciler rebuilds it and routing stays exact (DESIGN rule 1). */
@QuarkusTest
class LiveStateReconcilerTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Inject
    LiveStateReconciler reconciler;

    @Inject
    LiveAgents live;

    /** Deletes every key of the tenant, as a Redis flush would. */
    private void flush(String tenantId) {
        List<String> keys = new ArrayList<>(redis.key().keys("sb:{" + tenantId + "}:*"));
        if (!keys.isEmpty()) {
            redis.key().del(keys.toArray(String[]::new));
        }
    }

    private long redisLoad(String tenantId, String agentId) {
        String load = liveField(tenantId, agentId, "load");
        return load == null ? -1 : Long.parseLong(load);
    }

    private String liveField(String tenantId, String agentId, String field) {
        return redis.hash(String.class).hget(RedisKeys.agent(tenantId, agentId), field);
    }

    /** The agent's live hash as PostgreSQL has them (online, this limit, nothing open), and the tenant checked once. */
    private void liveAndReconciled(String tenantId, String agentId, int max) {
        live.seed(tenantId, agentId, AgentStatus.ONLINE, max, 0).await().atMost(Duration.ofSeconds(5));
        reconciler.tenant(tenantId).await().atMost(Duration.ofSeconds(5));
    }

    private static long pgLoad(String agentId) {
        return Fixtures.count("select count(*) from conversations where assignee_id = ? and state = 'open'", agentId);
    }

    @Test
    void afterAFlushTheLiveLoadsAreRebuiltFromPostgresWithoutAnyRequest() {
        Fixtures.Team team = Fixtures.team(2, 5);
        List<WsClient> visitors = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                visitors.add(v);
                String c = Chat.send(v, null, clientId(), "hi " + i).path("conversationId").asText();
                Chat.received(v, Chat.type("assigned", c));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.key().exists(RedisKeys.liveMarker(team.tenantId())));
            flush(team.tenantId());
            assertThat(redisLoad(team.tenantId(), team.agents().get(0).id())).isEqualTo(-1);

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                for (var a : team.agents()) {
                    assertThat(redisLoad(team.tenantId(), a.id())).isEqualTo(pgLoad(a.id()));
                }
            });
            assertThat(team.agents().stream().mapToLong(a -> pgLoad(a.id())).sum()).isEqualTo(3);
        } finally {
            visitors.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void flushingMidRunNeverPutsAnAgentOverTheLimit() throws Exception {
        int agents = 4;
        int capacity = 2;
        int conversations = 16;
        Fixtures.Team team = Fixtures.team(agents, capacity);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<WsClient> sockets = new ArrayList<>();
        try {
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < conversations; i++) {
                WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                sockets.add(ws);
                int n = i;
                sent.add(pool.submit(() -> Chat.send(ws, null, clientId(), "visitor " + n).path("conversationId").asText()));
                if (i == conversations / 2) {
                    flush(team.tenantId());
                }
            }
            for (Future<String> f : sent) {
                f.get();
            }
            flush(team.tenantId());
            await().atMost(Duration.ofSeconds(20)).until(() -> Fixtures.count(
                    "select count(*) from conversations where tenant_id = ? and state = 'open'", team.tenantId()) == agents * capacity);
            // Give any wrong assignment time to happen before judging.
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            for (var a : team.agents()) {
                assertThat(pgLoad(a.id())).as("open conversations of %s", a.name()).isLessThanOrEqualTo(capacity);
            }
            assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'open'", team.tenantId()))
                    .isEqualTo(agents * capacity);
            assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'queued'", team.tenantId()))
                    .isEqualTo(conversations - agents * capacity);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                for (var a : team.agents()) {
                    assertThat(redisLoad(team.tenantId(), a.id())).isEqualTo(pgLoad(a.id()));
                }
            });
        } finally {
            pool.shutdownNow();
            sockets.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    /** The corrections counter as docs/operations.md names it. */
    private static double corrections() {
        String body = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        var m = java.util.regex.Pattern.compile("(?m)^switchboard_live_load_corrections_total ([0-9.eE+-]+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Runs the reconciler on the tenant now and again (besides its own schedule) until the condition holds. */
    private void reconcileUntil(String tenantId, Duration atMost, org.awaitility.core.ThrowingRunnable assertion) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            reconciler.tenant(tenantId).await().atMost(Duration.ofSeconds(5));
            assertion.run();
        });
    }

    @Test
    void anOvercountedLoadIsCorrectedAndTheWaitingVisitorServed() {
        Fixtures.Team team = Fixtures.team(1, 1);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        WsClient v = null;
        try {
            liveAndReconciled(tenant, agent, 1);
            assertThat(redis.key().exists(RedisKeys.liveMarker(tenant))).isTrue();
            // The visitor's socket is open before the drift is made: the scheduled reconciler
            // corrects a drift at its second look, so the message must follow the drift at once
            // to meet it (a first visitor and socket of a fresh JVM can take seconds).
            v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
            // Redis believes the agent full though PostgreSQL has nothing open for them (a lost release).
            redis.hash(String.class).hset(RedisKeys.agent(tenant, agent), "load", "1");

            String c = Chat.send(v, null, clientId(), "anyone there?").path("conversationId").asText();
            Chat.received(v, Chat.type("queued", c));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c)).isEqualTo(1);

            // Two checks at least two seconds apart agree: the load drops to PostgreSQL's count and the
            // freed capacity is dispatched at once, without waiting for the queue sweep.
            WsClient visitor = v;
            reconcileUntil(tenant, Duration.ofSeconds(20), () -> assertThat(
                    Fixtures.count("select count(*) from conversations where id = ? and state = 'open' and assignee_id = ?", c, agent))
                    .isEqualTo(1));
            Chat.received(visitor, Chat.type("assigned", c));
            assertThat(redisLoad(tenant, agent)).isEqualTo(1).isEqualTo(pgLoad(agent));
        } finally {
            if (v != null) {
                v.close();
            }
            Chat.retire(tenant);
        }
    }

    @Test
    void anUndercountedLoadIsRaisedToPostgresCount() {
        Fixtures.Team team = Fixtures.team(1, 3);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        List<WsClient> visitors = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                visitors.add(v);
                String c = Chat.send(v, null, clientId(), "hello " + i).path("conversationId").asText();
                Chat.received(v, Chat.type("assigned", c));
            }
            reconciler.tenant(tenant).await().atMost(Duration.ofSeconds(5));
            assertThat(redisLoad(tenant, agent)).isEqualTo(2);
            double correctedBefore = corrections();
            // A reservation given back twice: Redis now lets a claim through that PostgreSQL would refuse.
            redis.hash(String.class).hset(RedisKeys.agent(tenant, agent), "load", "0");

            reconcileUntil(tenant, Duration.ofSeconds(20), () -> assertThat(redisLoad(tenant, agent)).isEqualTo(2));
            assertThat(pgLoad(agent)).isEqualTo(2);
            assertThat(corrections()).as("switchboard_live_load_corrections_total").isGreaterThan(correctedBefore);
        } finally {
            visitors.forEach(WsClient::close);
            Chat.retire(tenant);
        }
    }

    /**
     * Redis counts the agent short (1 of 3) with visitors waiting, so every dispatch reserves them
     * in Redis until PostgreSQL refuses: the checks read them with a reservation in flight or
     * without, alternately. The reconciler must still raise the load, and keep the reservation
     * in flight when it does.
     */
    @Test
    void anUndercountThatDrawsReservationsIsStillRaisedToPostgresCount() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 3);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        String key = RedisKeys.agent(tenant, agent);
        List<WsClient> visitors = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                visitors.add(v);
                String c = Chat.send(v, null, clientId(), "hello " + i).path("conversationId").asText();
                Chat.received(v, Chat.type("assigned", c));
            }
            reconciler.tenant(tenant).await().atMost(Duration.ofSeconds(5));
            assertThat(redisLoad(tenant, agent)).isEqualTo(3);
            redis.hash(String.class).hset(key, "load", "1");

            // First look while a dispatch holds a reservation on the agent, second look after it was given back.
            redis.hash(String.class).hincrby(key, "load", 1);
            reconciler.tenant(tenant).await().atMost(Duration.ofSeconds(5));
            redis.hash(String.class).hincrby(key, "load", -1);
            Thread.sleep(LiveStateReconciler.DRIFT_APART_MILLIS + 100);
            reconciler.tenant(tenant).await().atMost(Duration.ofSeconds(5));

            assertThat(redisLoad(tenant, agent)).isEqualTo(3).isEqualTo(pgLoad(agent));
        } finally {
            visitors.forEach(WsClient::close);
            Chat.retire(tenant);
        }
    }

    @Test
    void aLoadCorrectionKeepsAReservationInFlightAndIsAppliedOnce() {
        String tenant = java.util.UUID.randomUUID().toString();
        String agent = java.util.UUID.randomUUID().toString();
        live.seed(tenant, agent, AgentStatus.ONLINE, 3, 1).await().atMost(Duration.ofSeconds(5));
        String generation = live.figures(tenant, List.of(agent)).await().atMost(Duration.ofSeconds(5)).get(0).generation();
        assertThat(generation).isNotEmpty();
        try {
            // A claim is in flight (Redis 2, PostgreSQL will refuse it) when the correction of the settled drift (+2) lands.
            assertThat(live.claim(tenant, agent, System.currentTimeMillis()).await().atMost(Duration.ofSeconds(5)).load()).isEqualTo(2);
            assertThat(live.correctLoad(tenant, agent, generation, 2).await().atMost(Duration.ofSeconds(5))).isTrue();
            // A second replica that judged the same drift does not apply it again.
            assertThat(live.correctLoad(tenant, agent, generation, 2).await().atMost(Duration.ofSeconds(5))).isFalse();
            live.release(tenant, agent).await().atMost(Duration.ofSeconds(5));
            assertThat(redisLoad(tenant, agent)).isEqualTo(3);
        } finally {
            redis.key().del(RedisKeys.agent(tenant, agent));
        }
    }

    private static double settingCorrections() {
        String body = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        var m = java.util.regex.Pattern.compile("(?m)^switchboard_live_setting_corrections_total ([0-9.eE+-]+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aLiveStatusThatLostItsWriteIsSetBackToPostgresAndTheAgentServed() {
        Fixtures.Team team = Fixtures.team(1, 2);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        WsClient v = null;
        try (WsClient console = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()))) {
            liveAndReconciled(tenant, agent, 2);
            assertThat(Fixtures.count("select count(*) from agents where user_id = ? and status = 'online'", agent)).isEqualTo(1);
            double before = settingCorrections();
            // PostgreSQL has the agent online; Redis kept an older "offline" (a status write lost
            // with its replica, or two changes copied in the wrong order). Routing reads Redis.
            redis.hash(String.class).hset(RedisKeys.agent(tenant, agent), "status", "offline");
            int seen = console.seen().size();

            v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
            String c = Chat.send(v, null, clientId(), "is anyone in?").path("conversationId").asText();
            Chat.received(v, Chat.type("queued", c));

            reconcileUntil(tenant, Duration.ofSeconds(20), () -> assertThat(liveField(tenant, agent, "status")).isEqualTo("online"));
            // Back online in Redis, the agent is offered the waiting visitor without waiting for the queue sweep,
            // and their console, which showed Redis's status, hears the truth.
            Chat.received(v, Chat.type("assigned", c));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open' and assignee_id = ?", c, agent))
                    .isEqualTo(1);
            Chat.receivedSince(console, seen, f -> "status".equals(f.path("type").asText()) && "online".equals(f.path("status").asText()));
            assertThat(settingCorrections()).as("switchboard_live_setting_corrections_total").isGreaterThan(before);
        } finally {
            if (v != null) {
                v.close();
            }
            Chat.retire(tenant);
        }
    }

    @Test
    void aLiveStatusOnlineForAnAgentPostgresHasOfflineIsSetBackSoTheyGetNoConversation() {
        Fixtures.Team team = Fixtures.team(1, 2);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        WsClient v = null;
        try {
            liveAndReconciled(tenant, agent, 2);
            io.restassured.RestAssured.given().auth().oauth2(Chat.login(team.agents().get(0).email()))
                    .contentType("application/json").body(java.util.Map.of("status", "offline"))
                    .when().put("/api/v1/agents/me/status").then().statusCode(200);
            // The agent went offline, but Redis kept "online": they would be handed visitors while away.
            redis.hash(String.class).hset(RedisKeys.agent(tenant, agent), "status", "online");

            reconcileUntil(tenant, Duration.ofSeconds(20), () -> assertThat(liveField(tenant, agent, "status")).isEqualTo("offline"));
            v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
            String c = Chat.send(v, null, clientId(), "hello?").path("conversationId").asText();
            Chat.received(v, Chat.type("queued", c));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c)).isEqualTo(1);
        } finally {
            if (v != null) {
                v.close();
            }
            Chat.retire(tenant);
        }
    }

    @Test
    void aLiveLimitBelowPostgresIsRaisedAndTheWaitingVisitorServed() {
        Fixtures.Team team = Fixtures.team(1, 2);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        List<WsClient> visitors = new ArrayList<>();
        try {
            liveAndReconciled(tenant, agent, 2);
            // PostgreSQL's limit is 2; Redis kept 1 from before an edit whose Redis write was lost.
            redis.hash(String.class).hset(RedisKeys.agent(tenant, agent), "max", "1");
            List<String> conversations = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                visitors.add(v);
                conversations.add(Chat.send(v, null, clientId(), "hello " + i).path("conversationId").asText());
            }
            Chat.received(visitors.get(0), Chat.type("assigned", conversations.get(0)));
            Chat.received(visitors.get(1), Chat.type("queued", conversations.get(1)));

            reconcileUntil(tenant, Duration.ofSeconds(20), () -> assertThat(liveField(tenant, agent, "max")).isEqualTo("2"));
            Chat.received(visitors.get(1), Chat.type("assigned", conversations.get(1)));
            assertThat(pgLoad(agent)).isEqualTo(2);
            assertThat(redisLoad(tenant, agent)).isEqualTo(2);
        } finally {
            visitors.forEach(WsClient::close);
            Chat.retire(tenant);
        }
    }
}
