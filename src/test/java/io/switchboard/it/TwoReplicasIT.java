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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(10);
    /** Routing settles within milliseconds; the queue sweep (every 5 s) is the slow safety net. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);

    private static Replica a;
    private static Replica b;
    private static Path appCopy;

    @BeforeAll
    static void startReplicas() {
        Path jar = Path.of(System.getProperty("switchboard.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged application (run through ./mvnw verify)").isRegularFile();
        Path target = jar.getParent().getParent();
        Path keys = target.getParent().resolve("src/main/resources/keys");
        assertThat(keys.resolve("dev-public.pem")).isRegularFile();
        assertThat(keys.resolve("dev-private.pem")).isRegularFile();
        // Other builds in the same tree may repackage target/quarkus-app while the replicas run: run a private copy.
        appCopy = copyApplication(jar.getParent());
        Path runJar = appCopy.resolve(jar.getFileName());
        a = new Replica("A", runJar, target.resolve("it-replica-1.log"), keys);
        b = new Replica("B", runJar, target.resolve("it-replica-2.log"), keys);
        // Started together they also race each other through Flyway and bootstrap, as the pods of one Deployment do.
        a.launch();
        b.launch();
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stopReplicas() {
        for (Replica r : new Replica[] {a, b}) {
            if (r != null) {
                r.stop();
            }
        }
        for (Replica r : new Replica[] {a, b}) {
            if (r != null) {
                r.awaitStopped();
            }
        }
        if (appCopy != null) {
            delete(appCopy);
        }
    }

    private static Path copyApplication(Path appDir) {
        try {
            Path copy = Files.createTempDirectory("switchboard-it-");
            try (Stream<Path> files = Files.walk(appDir)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path dest = copy.resolve(appDir.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(source, dest, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + appDir, e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ tests

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

    // ------------------------------------------------------------------ clients

    private static String login(Replica r, String email) {
        return http("POST", r, "/api/v1/auth/login", null, Map.of("email", email, "password", Fixtures.PASSWORD), 200)
                .path("token").asText();
    }

    /** A new anonymous visitor of the team's widget with an open socket on the given replica. */
    private static Inbox visitorSocket(Replica r, Fixtures.Team team, String name) {
        JsonNode visitor = http("POST", r, "/api/v1/widget/" + team.channelKey() + "/visitors", null, Map.of("name", name), 200);
        Inbox inbox = new Inbox(name + " on " + r.name, WsClient.open(r.base(), "/ws/visitor", visitor.path("visitorToken").asText()));
        // A socket handles its frames one at a time, the first only after @OnOpen (which subscribes the
        // visitor's channel) has completed: an answered frame proves this replica now hears about the visitor.
        inbox.send(Map.of("type", "sync"));
        inbox.expect("error for the sync frame", type("error").and(field("code", "unknown_type")));
        return inbox;
    }

    private static JsonNode http(String method, Replica r, String path, String token, Object body, int expectedStatus) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(r.base() + path)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json");
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                req.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                req.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as("%s %s on replica %s: %s", method, path, r.name, res.body()).isEqualTo(expectedStatus);
            return res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " on replica " + r.name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Predicate<JsonNode> type(String type) {
        return f -> type.equals(f.path("type").asText());
    }

    private static Predicate<JsonNode> frame(String type, String conversationId) {
        return type(type).and(field("conversationId", conversationId));
    }

    private static Predicate<JsonNode> field(String name, String value) {
        return f -> value.equals(f.path(name).asText());
    }

    /**
     * A socket's frames, matched in any order and each at most once: frames that arrive
     * before the one awaited stay in the backlog for later expectations, since frames
     * published by different replicas have no order relative to each other.
     */
    static final class Inbox implements AutoCloseable {
        private final String name;
        private final WsClient ws;
        private final List<JsonNode> backlog = new ArrayList<>();

        Inbox(String name, WsClient ws) {
            this.name = name;
            this.ws = ws;
        }

        void send(Object frame) {
            ws.send(frame);
        }

        JsonNode expect(String what, Predicate<JsonNode> match) {
            for (Iterator<JsonNode> it = backlog.iterator(); it.hasNext(); ) {
                JsonNode f = it.next();
                if (match.test(f)) {
                    it.remove();
                    return f;
                }
            }
            long deadline = System.nanoTime() + FRAME_TIMEOUT.toNanos();
            while (true) {
                JsonNode f;
                try {
                    f = ws.await(x -> true, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (AssertionError timeout) {
                    throw new AssertionError(name + ": no '" + what + "' frame within " + FRAME_TIMEOUT
                            + "; unmatched frames: " + backlog + (ws.isClosed() ? " (socket closed)" : ""));
                }
                if (match.test(f)) {
                    return f;
                }
                backlog.add(f);
            }
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    // ------------------------------------------------------------------ replicas

    /** One {@code java -jar} process of the packaged application, prod profile, on a free port. */
    static final class Replica {
        private static final int MAX_LAUNCHES = 3;

        final String name;
        private final Path jar;
        private final Path log;
        private final Path keys;
        private volatile Process process;
        private int port;
        private int launches;

        Replica(String name, Path jar, Path log, Path keys) {
            this.name = name;
            this.jar = jar;
            this.log = log;
            this.keys = keys;
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }

        void launch() {
            port = freePort();
            launches++;
            String jdbcUrl = Fixtures.jdbcUrl();
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // C1 only: two replicas start about a third faster on a small machine; behaviour is the same.
                    "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.http.host=127.0.0.1",
                    // A settings "minute" of timers lasts a second here, so the timer test runs in seconds.
                    "-Dswitchboard.timers.minute=PT1S",
                    "-jar", jar.toString())
                    // Not the project directory: keeps a developer's .env or config/ out of the replica's configuration.
                    .directory(log.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(launches == 1 ? ProcessBuilder.Redirect.to(log.toFile()) : ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = pb.environment();
            env.put("DB_JDBC_URL", jdbcUrl);
            env.put("DB_REACTIVE_URL", jdbcUrl.substring("jdbc:".length()));
            env.putIfAbsent("REDIS_URL", "redis://localhost:6379");
            // smallrye-jwt reads a location without a scheme from the file system first, then the class path.
            env.put("JWT_PUBLIC_KEY", keys.resolve("dev-public.pem").toString());
            env.put("JWT_PRIVATE_KEY", keys.resolve("dev-private.pem").toString());
            env.put("BOOTSTRAP_ADMIN_PASSWORD", "it-admin-" + UUID.randomUUID());
            env.remove("QUARKUS_PROFILE");
            try {
                Process started = pb.start();
                process = started;
                // Should the test JVM be killed before @AfterAll, do not leave replicas behind.
                Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start replica " + name, e);
            }
        }

        void awaitReady() {
            long start = System.nanoTime();
            try {
                await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                        .failFast("replica " + name + " exited", () -> !process.isAlive())
                        .until(this::ready);
                System.out.printf("replica %s ready on port %d in %d ms%n", name, port,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } catch (TerminalFailureException | ConditionTimeoutException e) {
                String tail = logTail();
                if (!process.isAlive() && launches < MAX_LAUNCHES
                        && (tail.contains("Address already in use") || tail.contains("Port already bound"))) {
                    // The free port was taken between probing and binding: try another.
                    launch();
                    awaitReady();
                    return;
                }
                throw new AssertionError("replica " + name + " not ready on port " + port + " (" + e.getMessage()
                        + "); end of " + log + ":\n" + tail, e);
            }
        }

        private boolean ready() {
            try {
                HttpResponse<Void> res = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return res.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void stop() {
            Process p = process;
            if (p != null) {
                p.destroy();
            }
        }

        void awaitStopped() {
            Process p = process;
            if (p == null) {
                return;
            }
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }

        private String logTail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        private static int freePort() {
            try (ServerSocket s = new ServerSocket(0)) {
                s.setReuseAddress(true);
                return s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
