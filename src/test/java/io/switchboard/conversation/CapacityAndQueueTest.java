package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Capacity limits (B2), statuses (B3) and the FIFO queue (B4) under real concurrency. */
@QuarkusTest
class CapacityAndQueueTest {

    private static final String MAX_OPEN_PER_AGENT = """
            select coalesce(max(n), 0) from (select count(*) n from conversations
              where tenant_id = ? and state = 'open' group by assignee_id) per_agent""";

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Test
    void fiftyVisitorsAtOnceNeverExceedCapacityAndWaitInFifoOrder() throws Exception {
        Fixtures.Team team = Fixtures.team(3, 5);
        String tenant = team.tenantId();
        Map<String, String> jwts = new HashMap<>();
        for (Fixtures.Agent a : team.agents()) {
            jwts.put(a.id(), Chat.login(a.email()));
        }
        List<WsClient> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(51);
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicLong worstSeen = new AtomicLong();
        try {
            for (int i = 0; i < 50; i++) {
                sockets.add(Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token()));
            }

            // Watches PostgreSQL while the burst lands: no agent may ever hold more than 5.
            Future<?> watcher = pool.submit(() -> {
                while (watching.get()) {
                    worstSeen.accumulateAndGet(Fixtures.count(MAX_OPEN_PER_AGENT, tenant), Math::max);
                    sleepQuietly(10);
                }
            });

            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> sends = new ArrayList<>();
            for (WsClient ws : sockets) {
                sends.add(pool.submit(() -> {
                    go.await();
                    return Chat.send(ws, null, clientId(), "help please").path("conversationId").asText();
                }));
            }
            go.countDown();
            Map<String, WsClient> byConversation = new HashMap<>();
            for (int i = 0; i < sockets.size(); i++) {
                byConversation.put(sends.get(i).get(30, TimeUnit.SECONDS), sockets.get(i));
            }
            assertThat(byConversation).hasSize(50);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'open'", tenant))
                        .isEqualTo(15);
                assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'queued'", tenant))
                        .isEqualTo(35);
            });
            watching.set(false);
            watcher.get(5, TimeUnit.SECONDS);
            assertThat(worstSeen.get()).as("most open conversations one agent ever had").isLessThanOrEqualTo(5);
            assertThat(Fixtures.count(MAX_OPEN_PER_AGENT, tenant)).isEqualTo(5);
            for (Fixtures.Agent a : team.agents()) {
                given().auth().oauth2(jwts.get(a.id())).when().get("/api/v1/me").then().statusCode(200)
                        .body("load", equalTo(5));
            }

            // Every assigned visitor was told so; every waiting one knows their place, oldest first.
            for (String c : ids("select id from conversations where tenant_id = ? and state = 'open'", tenant)) {
                Chat.received(byConversation.get(c), type("assigned", c));
            }
            List<String> queue = queueOrder(tenant);
            assertThat(queue).hasSize(35);
            awaitPositions(queue, byConversation);
            assertThat(latestPosition(byConversation.get(queue.get(0)), queue.get(0))).isEqualTo(1);

            // Freed capacity goes to the oldest waiting visitor, one at a time.
            for (int round = 0; round < 3; round++) {
                Fixtures.Agent agent = team.agents().get(round);
                String victim = ids("select id from conversations where tenant_id = ? and state = 'open' and assignee_id = ? "
                        + "order by assigned_at limit 1", tenant, agent.id()).get(0);
                String head = queue.get(0);
                String second = queue.get(1);
                given().auth().oauth2(jwts.get(agent.id())).when().post("/api/v1/conversations/" + victim + "/close")
                        .then().statusCode(200).body("state", equalTo("closed")).body("closeReason", equalTo("agent"));

                JsonNode assigned = byConversation.get(head).await(type("assigned", head), WAIT);
                assertThat(assigned.path("agent").path("id").asText()).isEqualTo(agent.id());
                assertThat(assigned.path("agent").path("name").asText()).isEqualTo(agent.name());
                assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open' and assignee_id = ?",
                        head, agent.id())).isEqualTo(1);
                assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", second))
                        .isEqualTo(1);
                assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'open'", tenant))
                        .isEqualTo(15);
                assertThat(Fixtures.count(MAX_OPEN_PER_AGENT, tenant)).isEqualTo(5);

                queue = queueOrder(tenant);
                assertThat(queue).hasSize(35 - round - 1).first().isEqualTo(second);
                awaitPositions(queue, byConversation);
            }
        } finally {
            watching.set(false);
            pool.shutdownNow();
            sockets.forEach(WsClient::close);
            Chat.retire(tenant);
        }
    }

    @Test
    void agentsServingTwoQueuesAtOnceStillNeverExceedTheirLimit() throws Exception {
        // Two groups with the same agents: two dispatch loops race for the same capacity,
        // which only the atomic claim keeps in bounds.
        Fixtures.Team team = Fixtures.team(2, 4);
        String tenant = team.tenantId();
        String otherChannel = secondGroupAndChannel(team);
        List<WsClient> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(41);
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicLong worstSeen = new AtomicLong();
        try {
            for (int i = 0; i < 40; i++) {
                sockets.add(Chat.visitorSocket(base, Chat.visitor(i % 2 == 0 ? team.channelKey() : otherChannel).token()));
            }
            Future<?> watcher = pool.submit(() -> {
                while (watching.get()) {
                    worstSeen.accumulateAndGet(Fixtures.count(MAX_OPEN_PER_AGENT, tenant), Math::max);
                    sleepQuietly(5);
                }
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Future<JsonNode>> sends = new ArrayList<>();
            for (WsClient ws : sockets) {
                sends.add(pool.submit(() -> {
                    go.await();
                    return Chat.send(ws, null, clientId(), "two queues");
                }));
            }
            go.countDown();
            for (Future<JsonNode> f : sends) {
                f.get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'open'", tenant))
                        .isEqualTo(8);
                assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'queued'", tenant))
                        .isEqualTo(32);
            });
            watching.set(false);
            watcher.get(5, TimeUnit.SECONDS);
            assertThat(worstSeen.get()).as("most open conversations one agent ever had").isLessThanOrEqualTo(4);
            for (Fixtures.Agent a : team.agents()) {
                given().auth().oauth2(Chat.login(a.email())).when().get("/api/v1/me").then().body("load", equalTo(4));
            }
        } finally {
            watching.set(false);
            pool.shutdownNow();
            sockets.forEach(WsClient::close);
            Chat.retire(tenant);
        }
    }

    @Test
    void agentOnBreakGetsNothingAndGoingOnlineTakesTheQueueOldestFirst() {
        Fixtures.Team team = Fixtures.team(1, 2);
        Fixtures.Agent agent = team.agents().get(0);
        String jwt = Chat.login(agent.email());
        try {
            setStatus(jwt, "break");

            try (WsClient v1 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                 WsClient v2 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
                String c1 = Chat.send(v1, null, clientId(), "anyone?").path("conversationId").asText();
                // The queued frame comes after the dispatcher tried and found nobody.
                assertThat(Chat.received(v1, type("queued", c1)).path("position").asInt()).isEqualTo(1);
                String c2 = Chat.send(v2, null, clientId(), "hello?").path("conversationId").asText();
                assertThat(Chat.received(v2, type("queued", c2)).path("position").asInt()).isEqualTo(2);
                assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'queued' "
                        + "and assignee_id is null", team.tenantId())).isEqualTo(2);
                given().auth().oauth2(jwt).when().get("/api/v1/me").then().body("load", equalTo(0)).body("status", equalTo("break"));

                setStatus(jwt, "online");
                assertThat(Chat.received(v1, type("assigned", c1)).path("agent").path("id").asText()).isEqualTo(agent.id());
                assertThat(Chat.received(v2, type("assigned", c2)).path("agent").path("id").asText()).isEqualTo(agent.id());
                assertThat(Fixtures.count("select count(*) from conversations a, conversations b "
                        + "where a.id = ? and b.id = ? and a.assigned_at <= b.assigned_at", c1, c2)).isEqualTo(1);
                await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(jwt).when().get("/api/v1/me")
                        .then().body("load", equalTo(2)).body("status", equalTo("online")));
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void capacityThatAppearsGoesToTheOldestWaitingFirst() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String jwt = Chat.login(agent.email());
        setStatus(jwt, "break");
        List<WsClient> sockets = new ArrayList<>();
        try {
            // Ten visitors arrive one after another while nobody is available.
            List<String> arrival = new ArrayList<>();
            Map<String, WsClient> byConversation = new HashMap<>();
            for (int i = 0; i < 10; i++) {
                WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                sockets.add(ws);
                String c = Chat.send(ws, null, clientId(), "visitor " + i).path("conversationId").asText();
                assertThat(Chat.received(ws, type("queued", c)).path("position").asInt()).isEqualTo(i + 1);
                arrival.add(c);
                byConversation.put(c, ws);
            }
            assertThat(queueOrder(team.tenantId())).containsExactlyElementsOf(arrival);

            // The agent comes back with room for five: the first five, in arrival order.
            setStatus(jwt, "online");
            for (String c : arrival.subList(0, 5)) {
                Chat.received(byConversation.get(c), type("assigned", c));
            }
            assertThat(ids("select id from conversations where tenant_id = ? and state = 'open' order by assigned_at, id",
                    team.tenantId())).containsExactlyElementsOf(arrival.subList(0, 5));
            assertThat(queueOrder(team.tenantId())).containsExactlyElementsOf(arrival.subList(5, 10));
            for (int i = 5; i < 10; i++) {
                String c = arrival.get(i);
                Chat.received(byConversation.get(c), Chat.queuedAt(c, i - 4));
                assertThat(byConversation.get(c).seen()).noneMatch(type("assigned"));
            }
        } finally {
            sockets.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void raisingCapacityDispatchesQueuedConversations() {
        Fixtures.Team team = Fixtures.team(1, 1);
        Fixtures.Agent agent = team.agents().get(0);
        String jwt = Chat.login(agent.email());
        try (WsClient va = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vb = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vc = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String a = Chat.send(va, null, clientId(), "a").path("conversationId").asText();
            Chat.received(va, type("assigned", a));
            String b = Chat.send(vb, null, clientId(), "b").path("conversationId").asText();
            assertThat(Chat.received(vb, type("queued", b)).path("position").asInt()).isEqualTo(1);
            String c = Chat.send(vc, null, clientId(), "c").path("conversationId").asText();
            assertThat(Chat.received(vc, type("queued", c)).path("position").asInt()).isEqualTo(2);

            setCapacity(jwt, 2).body("maxConcurrent", equalTo(2));
            assertThat(Chat.received(vb, type("assigned", b)).path("agent").path("id").asText()).isEqualTo(agent.id());
            // The one still waiting moves up.
            Chat.received(vc, Chat.queuedAt(c, 1));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c)).isEqualTo(1);
            assertThat(Fixtures.count(MAX_OPEN_PER_AGENT, team.tenantId())).isEqualTo(2);

            setCapacity(jwt, 3);
            Chat.received(vc, type("assigned", c));
            assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'open' and assignee_id = ?",
                    team.tenantId(), agent.id())).isEqualTo(3);
            await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(jwt).when().get("/api/v1/me")
                    .then().body("load", equalTo(3)).body("maxConcurrent", equalTo(3)));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void lowerCapacityThanLoadStopsNewAssignmentsWithoutDroppingAny() {
        Fixtures.Team team = Fixtures.team(1, 2);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient va = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vb = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vc = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String a = Chat.send(va, null, clientId(), "a").path("conversationId").asText();
            Chat.received(va, type("assigned", a));
            String b = Chat.send(vb, null, clientId(), "b").path("conversationId").asText();
            Chat.received(vb, type("assigned", b));

            setCapacity(jwt, 1).body("load", equalTo(2)).body("warning", org.hamcrest.Matchers.notNullValue());
            String c = Chat.send(vc, null, clientId(), "c").path("conversationId").asText();
            assertThat(Chat.received(vc, type("queued", c)).path("position").asInt()).isEqualTo(1);

            // Closing one leaves the load at the new limit: still nothing for the queue. The
            // close dispatches at once; the conversation must stay queued well past that.
            given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + a + "/close").then().statusCode(200);
            await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(jwt).when().get("/api/v1/me")
                    .then().body("load", equalTo(1)));
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() ->
                    Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c) == 1);
            assertThat(vc.seen()).noneMatch(type("assigned"));

            // Closing the second frees a unit under the limit: the waiting visitor gets it.
            given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + b + "/close").then().statusCode(200);
            Chat.received(vc, type("assigned", c));
            assertThat(Fixtures.count(MAX_OPEN_PER_AGENT, team.tenantId())).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /**
     * Regression (B4 across replicas): another replica's dispatch round holds the head of the
     * queue locked while it finds nobody free. Capacity freed here at that moment must still go
     * to the head, once the other round lets go, not to the visitor behind it. With
     * {@code FOR UPDATE SKIP LOCKED} the dispatcher skipped the locked head and served the
     * second visitor first. The lock is held here with plain JDBC, as that other round would.
     */
    @Test
    void aLockedHeadIsWaitedForNotOvertaken() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 1);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient va = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vb = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vc = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String a = Chat.send(va, null, clientId(), "a").path("conversationId").asText();
            Chat.received(va, type("assigned", a));
            String b = Chat.send(vb, null, clientId(), "b").path("conversationId").asText();
            Chat.received(vb, Chat.queuedAt(b, 1));
            String c = Chat.send(vc, null, clientId(), "c").path("conversationId").asText();
            Chat.received(vc, Chat.queuedAt(c, 2));

            try (Connection other = Fixtures.connect()) {
                other.setAutoCommit(false);
                try (PreparedStatement lock = other.prepareStatement("select id from conversations where id = ? for update")) {
                    lock.setObject(1, UUID.fromString(b));
                    lock.executeQuery().close();
                }
                given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + a + "/close").then().statusCode(200);

                // Either the dispatcher queues up behind the lock (right), or it serves c (wrong).
                await().atMost(WAIT).pollInSameThread().until(() -> blockedBy(other) > 0
                        || Fixtures.count("select count(*) from conversations where id = ? and state = 'open'", c) > 0);
                assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c))
                        .as("the second visitor overtook the locked head").isEqualTo(1);
                other.rollback();
            }
            assertThat(Chat.received(vb, type("assigned", b)).path("agent").path("id").asText())
                    .isEqualTo(team.agents().get(0).id());
            Chat.received(vc, Chat.queuedAt(c, 1));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c)).isEqualTo(1);
            assertThat(vc.seen()).noneMatch(type("assigned"));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** How many other backends are waiting for a lock this connection holds. */
    private static long blockedBy(Connection holder) throws SQLException {
        try (PreparedStatement ps = holder.prepareStatement(
                "select count(*) from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void closingAQueuedConversationMovesTheOthersUp() {
        Fixtures.Team team = Fixtures.team(1, 1);
        Chat.login(team.agents().get(0).email());
        try (WsClient va = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vb = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient vc = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String a = Chat.send(va, null, clientId(), "a").path("conversationId").asText();
            Chat.received(va, type("assigned", a));
            String b = Chat.send(vb, null, clientId(), "b").path("conversationId").asText();
            assertThat(Chat.received(vb, type("queued", b)).path("position").asInt()).isEqualTo(1);
            String c = Chat.send(vc, null, clientId(), "c").path("conversationId").asText();
            assertThat(Chat.received(vc, type("queued", c)).path("position").asInt()).isEqualTo(2);

            vb.send(frame("close", "conversationId", b));
            assertThat(vb.await(type("closed", b), WAIT).path("reason").asText()).isEqualTo("visitor");
            Chat.received(vc, Chat.queuedAt(c, 1));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", c)).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /**
     * Redis lost count of an agent's conversations (a reservation given back twice): the batch
     * that picks them is refused by PostgreSQL's own count, keeps what it recorded before the
     * refusal, and decides the rest again without that agent, still in queue order.
     */
    @Test
    void aLoadRedisUndercountsIsRefusedByPostgresAndTheBatchServesTheRestInOrder() {
        Fixtures.Team team = Fixtures.team(2, 5);
        Fixtures.Agent full = team.agents().get(0);
        Fixtures.Agent free = team.agents().get(1);
        String fullJwt = Chat.login(full.email());
        String freeJwt = Chat.login(free.email());
        List<WsClient> sockets = new ArrayList<>();
        try {
            setStatus(freeJwt, "break");
            for (int i = 0; i < 2; i++) {
                WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                sockets.add(ws);
                String c = Chat.send(ws, null, clientId(), "early " + i).path("conversationId").asText();
                assertThat(Chat.received(ws, type("assigned", c)).path("agent").path("id").asText()).isEqualTo(full.id());
            }
            setCapacity(fullJwt, 2).body("maxConcurrent", equalTo(2));
            List<String> arrival = new ArrayList<>();
            Map<String, WsClient> byConversation = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                sockets.add(ws);
                String c = Chat.send(ws, null, clientId(), "later " + i).path("conversationId").asText();
                assertThat(Chat.received(ws, type("queued", c)).path("position").asInt()).isEqualTo(i + 1);
                arrival.add(c);
                byConversation.put(c, ws);
            }
            redis.hash(String.class).hset(RedisKeys.agent(team.tenantId(), full.id()), "load", "0");

            // The other agent comes back: one batch takes all three heads.
            setStatus(freeJwt, "online");
            for (String c : arrival) {
                assertThat(Chat.received(byConversation.get(c), type("assigned", c)).path("agent").path("id").asText())
                        .isEqualTo(free.id());
            }
            assertThat(Fixtures.count("select count(*) from conversations where assignee_id = ? and state = 'open'", full.id()))
                    .isEqualTo(2);
            assertThat(ids("select id from conversations where tenant_id = ? and assignee_id = ? order by assigned_at, id",
                    team.tenantId(), free.id())).containsExactlyElementsOf(arrival);
            assertThat(Fixtures.count("select count(*) from conversation_events where tenant_id = ? and kind = 'assigned' "
                    + "and (data->>'chosen')::uuid = ?", team.tenantId(), full.id())).isEqualTo(2);
        } finally {
            sockets.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    /**
     * The dispatcher reads only the first heads of each channel (B4): a last-in channel longer
     * than a batch must still give its newest first, after a higher-priority channel's oldest.
     */
    @Test
    void aLongLastInQueueStillServesItsNewestAfterAHigherPriorityChannel() throws SQLException {
        Fixtures.Team team = Fixtures.team(1, 3);
        String jwt = Chat.login(team.agents().get(0).email());
        setStatus(jwt, "break");
        UUID tenant = UUID.fromString(team.tenantId());
        UUID group = UUID.fromString(team.groupId());
        UUID lifo = UUID.fromString(team.channelId());
        UUID urgent = UUID.randomUUID();
        List<String> lifoArrival = new ArrayList<>();
        List<String> urgentArrival = new ArrayList<>();
        try {
            try (Connection c = Fixtures.connect()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("update channels set queue_order = 'lifo' where id = ?")) {
                    ps.setObject(1, lifo);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("insert into channels (id, tenant_id, kind, name, public_key, secret, "
                        + "group_id, priority) values (?, ?, 'web', 'Urgent', ?, 'secret', ?, 5)")) {
                    ps.setObject(1, urgent);
                    ps.setObject(2, tenant);
                    ps.setString(3, "urgent-" + urgent);
                    ps.setObject(4, group);
                    ps.executeUpdate();
                }
                // Forty on the last-in channel, then two on the urgent one, a second apart and all older than now.
                for (int i = 0; i < 42; i++) {
                    UUID channel = i < 40 ? lifo : urgent;
                    UUID visitor = UUID.randomUUID();
                    UUID conversation = UUID.randomUUID();
                    try (PreparedStatement ps = c.prepareStatement("insert into visitors (id, tenant_id, channel_id) values (?, ?, ?)")) {
                        ps.setObject(1, visitor);
                        ps.setObject(2, tenant);
                        ps.setObject(3, channel);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("insert into conversations (id, tenant_id, channel_id, visitor_id, "
                            + "group_id, state, queued_at) values (?, ?, ?, ?, ?, 'queued', now() - make_interval(secs => ?))")) {
                        ps.setObject(1, conversation);
                        ps.setObject(2, tenant);
                        ps.setObject(3, channel);
                        ps.setObject(4, visitor);
                        ps.setObject(5, group);
                        ps.setInt(6, 100 - i);
                        ps.executeUpdate();
                    }
                    (i < 40 ? lifoArrival : urgentArrival).add(conversation.toString());
                }
                c.commit();
            }

            setStatus(jwt, "online");
            List<String> expected = new ArrayList<>(urgentArrival);
            expected.add(lifoArrival.get(lifoArrival.size() - 1));
            await().atMost(WAIT).until(() -> Fixtures.count(
                    "select count(*) from conversations where tenant_id = ? and state = 'open'", team.tenantId()) == 3);
            assertThat(ids("select id from conversations where tenant_id = ? and state = 'open' order by assigned_at, id",
                    team.tenantId())).containsExactlyElementsOf(expected);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void setStatus(String jwt, String status) {
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("status", status))
                .when().put("/api/v1/agents/me/status")
                .then().statusCode(200).body("status", equalTo(status));
    }

    private static io.restassured.response.ValidatableResponse setCapacity(String jwt, int max) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("maxConcurrent", max))
                .when().put("/api/v1/agents/me/capacity")
                .then().statusCode(200);
    }

    /** Adds a second group with every agent of the team in it, and a web channel routed to it; returns its key. */
    private static String secondGroupAndChannel(Fixtures.Team team) {
        UUID tenant = UUID.fromString(team.tenantId());
        UUID group = UUID.randomUUID();
        String key = "web2-" + group.toString().substring(0, 8);
        try (Connection c = Fixtures.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into agent_groups (id, tenant_id, name) values (?, ?, 'Second')")) {
                ps.setObject(1, group);
                ps.setObject(2, tenant);
                ps.executeUpdate();
            }
            for (Fixtures.Agent a : team.agents()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into group_members (group_id, agent_id, tenant_id) values (?, ?, ?)")) {
                    ps.setObject(1, group);
                    ps.setObject(2, UUID.fromString(a.id()));
                    ps.setObject(3, tenant);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) "
                    + "values (?, ?, 'web', 'Web 2', ?, ?, ?)")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, tenant);
                ps.setString(3, key);
                ps.setString(4, "secret-" + key);
                ps.setObject(5, group);
                ps.executeUpdate();
            }
            c.commit();
            return key;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tenant's waiting conversations in the order the queue serves them. */
    private static List<String> queueOrder(String tenantId) {
        return ids("select id from conversations where tenant_id = ? and state = 'queued' order by queued_at, id", tenantId);
    }

    /** Waits until every waiting visitor's latest {@code queued} frame states their place in {@code queue}. */
    private static void awaitPositions(List<String> queue, Map<String, WsClient> sockets) {
        Map<String, Integer> wrong = new ConcurrentHashMap<>();
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).pollInSameThread().until(() -> {
                wrong.clear();
                for (int i = 0; i < queue.size(); i++) {
                    int position = latestPosition(sockets.get(queue.get(i)), queue.get(i));
                    if (position != i + 1) {
                        wrong.put(queue.get(i), position);
                    }
                }
                return wrong.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("positions never matched the queue; wrong (conversation=latest position): " + wrong, e);
        }
    }

    /** The position in the latest {@code queued} frame the socket got for the conversation, or -1. */
    private static int latestPosition(WsClient ws, String conversationId) {
        ws.drain(Duration.ofMillis(2));
        List<JsonNode> seen = ws.seen();
        for (int i = seen.size() - 1; i >= 0; i--) {
            JsonNode f = seen.get(i);
            if ("queued".equals(f.path("type").asText()) && conversationId.equals(f.path("conversationId").asText())) {
                return f.path("position").asInt();
            }
        }
        return -1;
    }

    private static List<String> ids(String sql, Object... args) {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, UUID.fromString((String) args[i]));
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
