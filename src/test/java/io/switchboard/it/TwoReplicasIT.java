package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.switchboard.it.Api.field;
import static io.switchboard.it.Api.frame;
import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static io.switchboard.it.Api.type;
import static io.switchboard.it.Api.visitorSocket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of the packaged application sharing one PostgreSQL and one Redis, as in
 * production (DESIGN: "no replica keeps state another replica needs"). A visitor on one
 * replica talks with an agent on the other through Redis pub/sub, and the live load
 * counters in Redis stay equal to PostgreSQL's truth while both replicas dispatch the
 * same queue at once.
 *
 * <p>Runs under failsafe after {@code package}; {@code switchboard.app.jar} names the jar.
 * Each replica's output goes to {@code target/it-replica-N.log}: look there when this fails.
 */
class TwoReplicasIT {

    /** Routing settles within milliseconds; the queue sweep (every 5 s) is the slow safety net. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);

    private static Replica a;
    private static Replica b;
    private static PackagedApp app;

    @BeforeAll
    static void startReplicas() {
        app = PackagedApp.prepare();
        // A kept routing setup never ages out here: a rule change reaches the other replica only
        // through its announcement (aRuleChangedThroughOneReplicaDecidesTheNextConversationOnTheOther).
        a = new Replica("A", app, "it-replica-1.log").withEnv("SWITCHBOARD_ROUTING_CACHE_TTL", "PT1H");
        b = new Replica("B", app, "it-replica-2.log").withEnv("SWITCHBOARD_ROUTING_CACHE_TTL", "PT1H");
        Replicas.launch(a, b);
    }

    @AfterAll
    static void stopReplicas() {
        Replicas.stop(app, a, b);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void aRuleChangedThroughOneReplicaDecidesTheNextConversationOnTheOther() {
        Fixtures.Team team = Fixtures.team(2, 3);
        String admin = login(a, team.adminEmail());
        String billing = http("POST", a, "/api/v1/admin/groups", admin, Map.of("name", "Billing " + UUID.randomUUID()), 201)
                .path("id").asText();
        http("PUT", a, "/api/v1/admin/agents/" + team.agents().get(1).id(), admin, Map.of("groupIds", List.of(billing)), 200);
        String rule = http("POST", a, "/api/v1/admin/rules", admin,
                Map.of("name", "all", "position", 1, "groupIds", List.of(billing)), 201).path("id").asText();

        // B routes one conversation by the rule, and keeps the tenant's setup from then on.
        assertThat(groupOfNextConversationOn(b, team)).isEqualTo(billing);
        http("PUT", a, "/api/v1/admin/rules/" + rule, admin, Map.of("groupIds", List.of(team.groupId())), 200);
        // The change was announced once committed; B routes the very next conversation by it.
        assertThat(groupOfNextConversationOn(b, team)).isEqualTo(team.groupId());
    }

    /** Starts a conversation on the replica and waits until its rule has placed it; its group. */
    private static String groupOfNextConversationOn(Replica r, Fixtures.Team team) {
        try (Inbox widget = visitorSocket(r, team, "Rita")) {
            widget.send(Map.of("type", "message", "clientId", "v-1", "text", "hello"));
            String conversation = widget.expect("ack of v-1", type("ack").and(field("clientId", "v-1")))
                    .path("conversationId").asText();
            await().atMost(SETTLE_TIMEOUT).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ?::uuid and routing_rule_id is not null", conversation) == 1);
            try (Connection c = Fixtures.connect();
                 PreparedStatement ps = c.prepareStatement("select group_id::text from conversations where id = ?::uuid")) {
                ps.setString(1, conversation);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void visitorOnOneReplicaConversesWithAgentOnTheOther() {
        Fixtures.Team team = Fixtures.team(1, 3);
        Fixtures.Agent agent = team.agents().get(0);
        String agentToken = login(b, agent.email());

        try (Inbox console = new Inbox("agent console on B", WsClient.open(b.base(), "/ws/agent", agentToken));
             Inbox widget = visitorSocket(a, team, "Vera")) {
            // The first status frame follows the subscription: from now on B hears everything meant for this agent.
            assertThat(console.expect("initial status", type("status")).path("load").asInt()).isZero();

            // Visitor -> agent: the first message starts a conversation; replica A routes it, B delivers it.
            widget.send(Map.of("type", "message", "clientId", "v-1", "text", "Hello from replica A"));
            JsonNode ack = widget.expect("ack of v-1", type("ack").and(field("clientId", "v-1")));
            String conversation = ack.path("conversationId").asText();
            assertThat(ack.path("seq").asLong()).isEqualTo(1);

            console.expect("assigned", frame("assigned", conversation).and(f -> agent.id().equals(f.path("agent").path("id").asText())));
            JsonNode first = console.expect("first message", frame("message", conversation).and(f -> f.path("seq").asLong() == 1));
            assertThat(first.path("text").asText()).isEqualTo("Hello from replica A");
            assertThat(first.path("sender").path("kind").asText()).isEqualTo("visitor");
            console.expect("status with load 1", type("status").and(f -> f.path("load").asInt() == 1));
            JsonNode assigned = widget.expect("assigned", frame("assigned", conversation));
            assertThat(assigned.path("agent").path("id").asText()).isEqualTo(agent.id());
            assertThat(assigned.path("agent").path("name").asText()).isEqualTo(agent.name());

            // Agent -> visitor, from B to A.
            console.send(Map.of("type", "message", "conversationId", conversation, "clientId", "a-1", "text", "Hi, agent on B here"));
            long replySeq = console.expect("ack of a-1", frame("ack", conversation).and(field("clientId", "a-1"))).path("seq").asLong();
            JsonNode reply = widget.expect("agent's reply", frame("message", conversation).and(f -> f.path("seq").asLong() == replySeq));
            assertThat(reply.path("text").asText()).isEqualTo("Hi, agent on B here");
            assertThat(reply.path("sender").path("kind").asText()).isEqualTo("agent");
            assertThat(reply.path("sender").path("id").asText()).isEqualTo(agent.id());
            assertThat(reply.path("sender").path("name").asText()).isEqualTo(agent.name());

            // Visitor -> agent again, now on the live path of an assigned conversation rather than the hand-over history.
            widget.send(Map.of("type", "message", "conversationId", conversation, "clientId", "v-2", "text", "Thanks!"));
            long thanksSeq = widget.expect("ack of v-2", frame("ack", conversation).and(field("clientId", "v-2"))).path("seq").asLong();
            JsonNode thanks = console.expect("visitor's second message", frame("message", conversation).and(f -> f.path("seq").asLong() == thanksSeq));
            assertThat(thanks.path("text").asText()).isEqualTo("Thanks!");

            // The agent closes on B; the visitor on A hears it and the capacity comes back.
            console.send(Map.of("type", "close", "conversationId", conversation));
            widget.expect("closed", frame("closed", conversation).and(field("reason", "agent")));
            console.expect("closed", frame("closed", conversation).and(field("reason", "agent")));
            console.expect("status with load 0", type("status").and(f -> f.path("load").asInt() == 0));

            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'closed' and close_reason = 'agent'"
                    + " and assignee_id = ?", conversation, agent.id())).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind in ('visitor', 'agent')",
                    conversation)).isEqualTo(3);
            assertLoadsMatchDatabase(team, Map.of(agent.id(), agentToken));
        }
    }

    @Test
    void loadCountersStayExactWhenBothReplicasDispatch() throws Exception {
        int capacity = 3;
        Fixtures.Team team = Fixtures.team(2, capacity);
        Map<String, String> agentTokens = new LinkedHashMap<>();
        agentTokens.put(team.agents().get(0).id(), login(a, team.agents().get(0).email()));
        agentTokens.put(team.agents().get(1).id(), login(b, team.agents().get(1).email()));
        String adminToken = login(b, team.adminEmail());

        List<Inbox> widgets = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(10);
        try {
            for (int i = 0; i < 10; i++) {
                widgets.add(visitorSocket(i % 2 == 0 ? a : b, team, "Visitor " + i));
            }

            // Ten visitors, five on each replica, all write at the same moment.
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < widgets.size(); i++) {
                Inbox w = widgets.get(i);
                String text = "first message " + i;
                sent.add(senders.submit(() -> {
                    go.await();
                    w.send(Map.of("type", "message", "clientId", "first", "text", text));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : sent) {
                f.get(10, TimeUnit.SECONDS);
            }
            Map<String, Inbox> byConversation = new LinkedHashMap<>();
            for (Inbox w : widgets) {
                byConversation.put(w.expect("ack of first", type("ack").and(field("clientId", "first"))).path("conversationId").asText(), w);
            }
            assertThat(byConversation).hasSize(10);

            // 2 agents x 3 = 6 open, 4 waiting; never a seventh.
            Map<String, Row> settled = awaitSettled(team, capacity, 6, 4, 0);
            assertEachAgentHolds(team, settled, capacity);
            Map<String, Row> initial = settled;
            for (var e : initial.entrySet()) {
                Inbox w = byConversation.get(e.getKey());
                if (e.getValue().state().equals("open")) {
                    w.expect("assigned", frame("assigned", e.getKey()).and(f -> e.getValue().assignee().equals(f.path("agent").path("id").asText())));
                } else {
                    // Positions are re-sent as the queue moves, first counted while all ten were still waiting;
                    // once six are served every waiting visitor hears a place among the last four.
                    w.expect("queued at 1..4", frame("queued", e.getKey()).and(f -> f.path("position").asInt() >= 1
                            && f.path("position").asInt() <= 4));
                }
            }
            assertLoadsMatchDatabase(team, agentTokens);

            // Free two places of the first agent and one of the second, through replica A.
            String first = team.agents().get(0).id();
            String second = team.agents().get(1).id();
            List<String> toClose = new ArrayList<>();
            toClose.addAll(openOf(initial, first).subList(0, 2));
            toClose.addAll(openOf(initial, second).subList(0, 1));
            for (String id : toClose) {
                String agentId = initial.get(id).assignee();
                JsonNode closed = http("POST", a, "/api/v1/conversations/" + id + "/close", agentTokens.get(agentId), null, 200);
                assertThat(closed.path("state").asText()).isEqualTo("closed");
                byConversation.get(id).expect("closed", frame("closed", id).and(field("reason", "agent")));
            }

            // Three of the four waiting conversations move up, whichever replica dispatches them.
            settled = awaitSettled(team, capacity, 6, 1, 3);
            assertEachAgentHolds(team, settled, capacity);
            int promoted = 0;
            for (var e : settled.entrySet()) {
                if (initial.get(e.getKey()).state().equals("queued") && e.getValue().state().equals("open")) {
                    promoted++;
                    byConversation.get(e.getKey()).expect("assigned after waiting",
                            frame("assigned", e.getKey()).and(f -> e.getValue().assignee().equals(f.path("agent").path("id").asText())));
                }
            }
            assertThat(promoted).isEqualTo(3);
            assertLoadsMatchDatabase(team, agentTokens);

            // A supervisor empties the floor through replica B; the last waiting visitor is served, then closed too.
            closeAllOpen(b, adminToken, settled, byConversation);
            settled = awaitSettled(team, capacity, 1, 0, 9);
            closeAllOpen(b, adminToken, settled, byConversation);
            awaitSettled(team, capacity, 0, 0, 10);
            assertLoadsMatchDatabase(team, agentTokens);
            assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and assignee_id is not null",
                    team.tenantId())).as("every visitor was served").isEqualTo(10);
        } finally {
            senders.shutdownNow();
            widgets.forEach(Inbox::close);
        }
    }

    // ------------------------------------------------------------------ assertions against PostgreSQL

    record Row(String state, String assignee) {}

    /** Waits for the given counts, failing at once if any agent ever holds more than its capacity. */
    private static Map<String, Row> awaitSettled(Fixtures.Team team, int capacity, int open, int queued, int closed) {
        await().atMost(SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .failFast("an agent holds more open conversations than its capacity",
                        () -> Fixtures.count("""
                                select coalesce(max(n), 0) from (select count(*) as n from conversations
                                where tenant_id = ? and state = 'open' group by assignee_id) per_agent""", team.tenantId()) > capacity)
                .untilAsserted(() -> assertThat(counts(team.tenantId()))
                        .as("open, queued, closed").containsExactly(open, queued, closed));
        return conversations(team.tenantId());
    }

    private static List<Integer> counts(String tenantId) {
        List<Integer> out = new ArrayList<>();
        for (String state : List.of("open", "queued", "closed")) {
            out.add((int) Fixtures.count("select count(*) from conversations where tenant_id = ? and state = ?", tenantId, state));
        }
        return out;
    }

    private static void assertEachAgentHolds(Fixtures.Team team, Map<String, Row> rows, int expected) {
        for (Fixtures.Agent agent : team.agents()) {
            assertThat(openOf(rows, agent.id())).as("open conversations of %s", agent.name()).hasSize(expected);
        }
    }

    /** GET /me through both replicas: the live load is exactly the number of open conversations in PostgreSQL. */
    private static void assertLoadsMatchDatabase(Fixtures.Team team, Map<String, String> agentTokens) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (var e : agentTokens.entrySet()) {
                long open = Fixtures.count("select count(*) from conversations where tenant_id = ? and assignee_id = ? and state = 'open'",
                        team.tenantId(), e.getKey());
                for (Replica r : List.of(a, b)) {
                    JsonNode me = http("GET", r, "/api/v1/me", e.getValue(), null, 200);
                    assertThat(me.path("id").asText()).isEqualTo(e.getKey());
                    assertThat(me.path("load").asLong()).as("load of %s seen through replica %s", e.getKey(), r.name).isEqualTo(open);
                    assertThat(me.path("status").asText()).isEqualTo("online");
                }
            }
        });
    }

    private static List<String> openOf(Map<String, Row> rows, String agentId) {
        return rows.entrySet().stream()
                .filter(e -> e.getValue().state().equals("open") && agentId.equals(e.getValue().assignee()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    private static void closeAllOpen(Replica via, String token, Map<String, Row> rows, Map<String, Inbox> byConversation) {
        for (var e : rows.entrySet()) {
            if (e.getValue().state().equals("open")) {
                http("POST", via, "/api/v1/conversations/" + e.getKey() + "/close", token, null, 200);
                byConversation.get(e.getKey()).expect("closed by supervisor", frame("closed", e.getKey()).and(field("reason", "supervisor")));
            }
        }
    }

    private static Map<String, Row> conversations(String tenantId) {
        try (Connection c = Fixtures.connect();
             PreparedStatement ps = c.prepareStatement("select id, state, assignee_id from conversations where tenant_id = ?")) {
            ps.setObject(1, UUID.fromString(tenantId));
            Map<String, Row> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString("id"), new Row(rs.getString("state"), rs.getString("assignee_id")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachTimerFiresOnceThoughBothReplicasPoll() {
        Fixtures.Team team = Fixtures.team(1, 3);
        String admin = login(a, team.adminEmail());
        http("PUT", a, "/api/v1/admin/settings", admin, Map.of("autoCloseMinutes", 2), 200);
        List<Inbox> widgets = new ArrayList<>();
        List<String> conversations = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Inbox widget = visitorSocket(i % 2 == 0 ? a : b, team, "Timer " + i);
                widgets.add(widget);
                widget.send(Map.of("type", "message", "clientId", "t-" + i, "text", "then silence"));
                conversations.add(widget.expect("ack of t-" + i, type("ack").and(field("clientId", "t-" + i)))
                        .path("conversationId").asText());
            }
            for (int i = 0; i < 3; i++) {
                widgets.get(i).expect("closed by the timer", frame("closed", conversations.get(i)).and(field("reason", "timeout")));
            }
            // Both replicas keep polling; nothing fires a second time.
            sleep(Duration.ofSeconds(3));
            for (String c : conversations) {
                assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'auto_closed'", c))
                        .as("auto-close events of %s", c).isEqualTo(1);
                assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'system'", c))
                        .as("system messages of %s", c).isEqualTo(1);
            }
        } finally {
            widgets.forEach(Inbox::close);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
