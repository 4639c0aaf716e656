package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.switchboard.testing.Fixtures;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.switchboard.it.Api.HTTP;
import static io.switchboard.it.Api.JSON;
import static org.awaitility.Awaitility.await;

/**
 * Assignment under contention (FEATURES B2/B4, benchmark P4 in shared/BENCHMARKS.md): many
 * agents with a small capacity, all online with their consoles open, spread over several
 * groups and channels; then a burst of new conversations from visitor sockets split across
 * the replicas. The scenario only drives the traffic and reads what happened; callers judge:
 * {@link ContentionIT} asserts correctness against PostgreSQL and Redis, and a benchmark
 * (bench profile) may run it with other {@link Params} and print {@link Figures#table()}.
 *
 * <p>Use: launch the replicas (the same PostgreSQL and Redis for all), then
 * {@code try (var s = new ContentionScenario(replicas, tokens, params)) { Figures f = s.run(); ... }}.
 * With one replica in the list the same traffic goes to one process (the P5 comparison).
 */
public final class ContentionScenario implements AutoCloseable {

    /**
     * @param agents        agents in the tenant, divided evenly over the groups (each agent in one group)
     * @param capacity      every agent's max_concurrent
     * @param conversations new conversations in the burst, divided evenly over the groups' channels
     * @param groups        groups, each with its own web channel
     * @param arrivals      the burst is spread evenly over this window (zero: as fast as the sockets take it)
     */
    public record Params(int agents, int capacity, int conversations, int groups, Duration arrivals) {
        /** P4 as BENCHMARKS.md states it: 200 agents of capacity 5, 1,000 conversations within a second. */
        public static Params p4() {
            return new Params(200, 5, 1000, 2, Duration.ofSeconds(1));
        }

        int capacityTotal() {
            return agents * capacity;
        }

        /** Conversations that can be open at once; the rest must wait in the queues. */
        int servable() {
            return Math.min(conversations, capacityTotal());
        }
    }

    /**
     * What the run measured, from PostgreSQL's own timestamps (created_at, assigned_at of the
     * conversation rows), so clocks of the test and the replicas never mix. Both are now() of
     * their transaction, i.e. its start: the assigning round's own few milliseconds are not in
     * the figure. {@link #heardAssignmentMicros()} gives the visitors' view, send to hearing it.
     *
     * @param decisionsPerSecond assignments / (last assigned_at - first created_at)
     * @param busyPerSecond      assignments / (last assigned_at - first assigned_at): the dispatchers' pace once work exists
     * @param sendSeconds        how long the burst took to leave the test's sockets
     */
    public record Figures(int replicas, Params params, int assigned, int queued, double decisionsPerSecond, double busyPerSecond,
                   double p50Millis, double p99Millis, double maxMillis, double sendSeconds, double quietSeconds) {

        public String line() {
            return String.format(Locale.ROOT,
                    "P4 contention: %d agents x %d, %d conversations over %d ms on %d replica(s): assigned %d, queued %d;"
                            + " %.0f decisions/s (%.0f/s busy); creation->assignment p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                            + " burst sent in %.3f s, quiet after %.1f s",
                    params.agents(), params.capacity(), params.conversations(), params.arrivals().toMillis(), replicas,
                    assigned, queued, decisionsPerSecond, busyPerSecond, p50Millis, p99Millis, maxMillis, sendSeconds, quietSeconds);
        }

        /** A Markdown table for a benchmark report. */
        public String table() {
            return String.format(Locale.ROOT, """
                    | P4 | figure |
                    |---|---|
                    | set-up | %d agents x capacity %d, %d groups, %d conversations within %d ms, %d replica(s) |
                    | assigned / queued | %d / %d |
                    | decisions/s (first creation to last assignment) | %.0f |
                    | decisions/s (first to last assignment) | %.0f |
                    | creation to assignment p50 / p99 / max | %.1f / %.1f / %.1f ms |
                    """, params.agents(), params.capacity(), params.groups(), params.conversations(), params.arrivals().toMillis(),
                    replicas, assigned, queued, decisionsPerSecond, busyPerSecond, p50Millis, p99Millis, maxMillis);
        }
    }

    public record Agent(String id, String email, String name, int group) {}

    public record Team(String tenantId, List<String> groupIds, List<String> channelKeys, List<Agent> agents) {}

    /** One visitor of the burst: its socket's replica and what it heard. */
    static final class Visitor {
        final int index;
        final String token;
        final Replica replica;
        volatile WebSocket socket;
        volatile String conversationId;
        volatile String assignedTo;
        volatile long sentNanos;
        volatile long assignedNanos;

        Visitor(int index, String token, Replica replica) {
            this.index = index;
            this.token = token;
            this.replica = replica;
        }
    }

    /** One agent's console: the conversations announced to it. */
    static final class Console {
        final Agent agent;
        final Set<String> assigned = ConcurrentHashMap.newKeySet();
        final CompletableFuture<JsonNode> firstStatus = new CompletableFuture<>();
        volatile WebSocket socket;

        Console(Agent agent) {
            this.agent = agent;
        }
    }

    /** Generous: on a machine busy with other builds, 1,000 decisions have taken 30 s. A safety net, not a speed limit. */
    private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(120);

    private final List<Replica> replicas;
    private final StaffTokens tokens;
    private final Params params;
    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient client;
    private final List<Visitor> visitors = new ArrayList<>();
    private final List<Console> consoles = new ArrayList<>();
    private Team team;

    public ContentionScenario(List<Replica> replicas, StaffTokens tokens, Params params) {
        this.replicas = List.copyOf(replicas);
        this.tokens = tokens;
        this.params = params;
        int sockets = params.agents() + params.conversations() + 16;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(sockets)
                .setConnectTimeout(10_000));
    }

    public Team team() {
        return team;
    }

    List<Visitor> visitors() {
        return visitors;
    }

    List<Console> consoles() {
        return consoles;
    }

    /**
     * Creates the team, opens every console and visitor socket, sends the burst and waits
     * until PostgreSQL is quiet: every conversation exists and the servable ones are open.
     * Fails (without judging anything else) if that does not happen within a minute.
     */
    public Figures run() throws Exception {
        return run(() -> { }, () -> { });
    }

    /**
     * Like {@link #run()}, calling {@code atBurst} just before the burst and {@code atQuiet} as
     * soon as PostgreSQL is quiet: a benchmark measures what happens in between (CPU spent).
     */
    public Figures run(Runnable atBurst, Runnable atQuiet) throws Exception {
        team = createTeam(params);
        openConsoles();
        createVisitors();
        openVisitorSockets();
        atBurst.run();
        long sendStart = System.nanoTime();
        burst();
        double sendSeconds = (System.nanoTime() - sendStart) / 1e9;
        awaitQuiet();
        double quietSeconds = (System.nanoTime() - sendStart) / 1e9;
        atQuiet.run();
        Figures f = figures(sendSeconds, quietSeconds);
        System.out.println(f.line());
        return f;
    }

    // ------------------------------------------------------------------ set-up

    /** The team straight in PostgreSQL, in batches: 200 agents take well under a second. */
    static Team createTeam(Params p) throws SQLException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        UUID tenant = UUID.randomUUID();
        // Nobody logs in during the run (tokens are signed by the test), but a person looking
        // at a bench's team may: the usual fixture password.
        String hash = BcryptUtil.bcryptHash(Fixtures.PASSWORD);
        List<String> groupIds = new ArrayList<>();
        List<String> channelKeys = new ArrayList<>();
        List<Agent> agents = new ArrayList<>();
        try (Connection c = Fixtures.connect()) {
            c.setAutoCommit(false);
            exec(c, "insert into tenants (id, slug, name) values (?, ?, ?)", tenant, "p4-" + suffix, "Contention " + suffix);
            for (int g = 0; g < p.groups(); g++) {
                UUID group = UUID.randomUUID();
                exec(c, "insert into agent_groups (id, tenant_id, name) values (?, ?, ?)", group, tenant, "Group " + g);
                String key = "p4-" + suffix + "-" + g;
                exec(c, "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', ?, ?, ?, ?)",
                        UUID.randomUUID(), tenant, "Web " + g, key, "secret-" + key, group);
                groupIds.add(group.toString());
                channelKeys.add(key);
            }
            try (PreparedStatement staff = c.prepareStatement(
                    "insert into staff_users (id, tenant_id, email, name, password_hash, roles) values (?, ?, ?, ?, ?, ?)");
                 PreparedStatement agent = c.prepareStatement(
                         "insert into agents (user_id, tenant_id, status, max_concurrent) values (?, ?, 'online', ?)");
                 PreparedStatement member = c.prepareStatement(
                         "insert into group_members (group_id, agent_id, tenant_id) values (?, ?, ?)")) {
                for (int i = 0; i < p.agents(); i++) {
                    UUID id = UUID.randomUUID();
                    int g = i % p.groups();
                    String email = "p4-agent" + i + "-" + suffix + "@test.test";
                    String name = "Agent " + i;
                    staff.setObject(1, id);
                    staff.setObject(2, tenant);
                    staff.setString(3, email);
                    staff.setString(4, name);
                    staff.setString(5, hash);
                    staff.setArray(6, c.createArrayOf("text", new String[] {"agent"}));
                    staff.addBatch();
                    agent.setObject(1, id);
                    agent.setObject(2, tenant);
                    agent.setInt(3, p.capacity());
                    agent.addBatch();
                    member.setObject(1, UUID.fromString(groupIds.get(g)));
                    member.setObject(2, id);
                    member.setObject(3, tenant);
                    member.addBatch();
                    agents.add(new Agent(id.toString(), email, name, g));
                }
                staff.executeBatch();
                agent.executeBatch();
                member.executeBatch();
            }
            c.commit();
        }
        return new Team(tenant.toString(), List.copyOf(groupIds), List.copyOf(channelKeys), List.copyOf(agents));
    }

    private Replica replicaFor(int i) {
        return replicas.get(i % replicas.size());
    }

    /** Every agent's console, spread over the replicas; each has said its first status (so it is subscribed). */
    private void openConsoles() throws Exception {
        List<Future<?>> opened = new ArrayList<>();
        for (int i = 0; i < team.agents().size(); i++) {
            Agent a = team.agents().get(i);
            Console console = new Console(a);
            consoles.add(console);
            String token = tokens.agent(team.tenantId(), a.id(), a.email(), a.name());
            opened.add(connect(replicaFor(i), "/ws/agent?token=" + token, text -> {
                JsonNode f = parse(text);
                switch (f.path("type").asText()) {
                    case "status" -> console.firstStatus.complete(f);
                    case "assigned" -> console.assigned.add(f.path("conversationId").asText());
                    // A console that is refused its first status says why instead of timing out.
                    case "error" -> console.firstStatus.completeExceptionally(new AssertionError(a.name() + " got " + text));
                    default -> { }
                }
            }).onSuccess(ws -> console.socket = ws).toCompletionStage().toCompletableFuture());
        }
        for (Future<?> f : opened) {
            f.get(30, TimeUnit.SECONDS);
        }
        for (Console c : consoles) {
            JsonNode status = c.firstStatus.get(30, TimeUnit.SECONDS);
            if (!"online".equals(status.path("status").asText())) {
                throw new AssertionError(c.agent.name() + " is not online: " + status);
            }
        }
    }

    /** Visitor tokens through the widget REST, a few at a time (this is set-up, not the burst). */
    private void createVisitors() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Visitor>> made = new ArrayList<>();
            for (int i = 0; i < params.conversations(); i++) {
                int n = i;
                made.add(pool.submit(() -> {
                    Replica r = replicaFor(n);
                    String key = team.channelKeys().get(n % team.channelKeys().size());
                    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(r.base() + "/api/v1/widget/" + key + "/visitors"))
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Visitor " + n + "\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() != 200) {
                        throw new AssertionError("visitor " + n + " on " + r.name + ": " + res.statusCode() + " " + res.body());
                    }
                    return new Visitor(n, JSON.readTree(res.body()).path("visitorToken").asText(), r);
                }));
            }
            for (Future<Visitor> f : made) {
                visitors.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Opens every visitor's socket and proves it is subscribed: a socket handles its frames one
     * at a time, the first only after @OnOpen subscribed the visitor's channel, so the answer to
     * an unknown frame means this replica now hears about the visitor.
     */
    private void openVisitorSockets() throws Exception {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (Visitor v : visitors) {
            CompletableFuture<Void> subscribed = new CompletableFuture<>();
            ready.add(subscribed);
            connect(v.replica, "/ws/visitor?token=" + v.token, text -> {
                JsonNode f = parse(text);
                switch (f.path("type").asText()) {
                    case "error" -> subscribed.complete(null);
                    case "ack" -> v.conversationId = f.path("conversationId").asText();
                    case "assigned" -> {
                        v.assignedTo = f.path("agent").path("id").asText();
                        v.assignedNanos = System.nanoTime();
                    }
                    default -> { }
                }
            }).onSuccess(ws -> {
                v.socket = ws;
                ws.writeTextMessage("{\"type\":\"sync\"}");
            }).onFailure(subscribed::completeExceptionally);
        }
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ the burst

    /** Every visitor's first message, evenly over the arrival window, alternating replicas and channels. */
    private void burst() {
        long start = System.nanoTime();
        long window = params.arrivals().toNanos();
        int n = visitors.size();
        for (Visitor v : visitors) {
            long due = start + (n <= 1 ? 0 : window * v.index / n);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            v.sentNanos = System.nanoTime();
            v.socket.writeTextMessage("{\"type\":\"message\",\"clientId\":\"first\",\"text\":\"I need help (" + v.index + ")\"}");
        }
    }

    /** Every conversation acknowledged and in PostgreSQL, and as many open as capacity allows. */
    private void awaitQuiet() {
        await().atMost(QUIET_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> visitors.stream().allMatch(v -> v.conversationId != null));
        await().atMost(QUIET_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .failFast("an agent holds more open conversations than their limit", () -> overCapacity(team.tenantId()) > 0)
                .until(() -> count("select count(*) from conversations where tenant_id = ? and state = 'open'", team.tenantId())
                        >= params.servable());
    }

    private Figures figures(double sendSeconds, double quietSeconds) throws SQLException {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement("""
                select count(*) filter (where assigned_at is not null) as assigned,
                       count(*) filter (where state = 'queued') as queued,
                       extract(epoch from max(assigned_at) - min(created_at)) as span,
                       extract(epoch from max(assigned_at) - min(assigned_at)) as busy,
                       percentile_cont(0.5) within group (order by extract(epoch from assigned_at - created_at)) as p50,
                       percentile_cont(0.99) within group (order by extract(epoch from assigned_at - created_at)) as p99,
                       max(extract(epoch from assigned_at - created_at)) as worst
                from conversations where tenant_id = ?""")) {
            ps.setObject(1, UUID.fromString(team.tenantId()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int assigned = rs.getInt("assigned");
                double span = rs.getDouble("span");
                double busy = rs.getDouble("busy");
                return new Figures(replicas.size(), params, assigned, rs.getInt("queued"),
                        span > 0 ? assigned / span : Double.NaN, busy > 0 ? (assigned - 1) / busy : Double.NaN,
                        rs.getDouble("p50") * 1000, rs.getDouble("p99") * 1000, rs.getDouble("worst") * 1000,
                        sendSeconds, quietSeconds);
            }
        }
    }

    // ------------------------------------------------------------------ checks against PostgreSQL, for any caller

    /** Agents holding more open conversations than their max_concurrent. */
    public static long overCapacity(String tenantId) {
        return count("""
                select count(*) from agents a
                where a.tenant_id = ? and a.max_concurrent <
                      (select count(*) from conversations c where c.assignee_id = a.user_id and c.state = 'open')""", tenantId);
    }

    /**
     * Conversations assigned twice without being given back in between: in the transcript, an
     * {@code assigned} event right after another {@code assigned} among the events that take or
     * give back an assignment.
     */
    public static long doubleAssignments(String tenantId) {
        return count("""
                select count(distinct conversation_id) from (
                  select conversation_id, kind, lag(kind) over (partition by conversation_id order by id) as before
                  from conversation_events
                  where tenant_id = ? and kind in ('assigned', 'released', 'reassigned', 'closed', 'auto_closed', 'expired')
                ) e where kind = 'assigned' and before = 'assigned'""", tenantId);
    }

    /** Conversations neither open with an assignee, queued without one, nor closed. */
    static long inconsistentStates(String tenantId) {
        return count("""
                select count(*) from conversations where tenant_id = ?
                and not ((state = 'open' and assignee_id is not null) or (state = 'queued' and assignee_id is null) or state = 'closed')""",
                tenantId);
    }

    /** Each agent's open conversations in PostgreSQL. */
    static Map<String, Long> openPerAgent(String tenantId) {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement("""
                select a.user_id, (select count(*) from conversations c where c.assignee_id = a.user_id and c.state = 'open') as open
                from agents a where a.tenant_id = ? and a.removed_at is null""")) {
            ps.setObject(1, UUID.fromString(tenantId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Agents whose live load in Redis differs from PostgreSQL's count: "agent: redis vs postgres". */
    static List<String> loadMismatches(String tenantId, RedisProbe redis) {
        List<String> out = new ArrayList<>();
        for (var e : openPerAgent(tenantId).entrySet()) {
            long live = redis.load(tenantId, e.getKey());
            if (live != e.getValue()) {
                out.add(e.getKey() + ": redis " + live + " vs postgres " + e.getValue());
            }
        }
        return out;
    }

    /** conversation id -> assignee id of the tenant's open conversations. */
    static Map<String, String> assignees(String tenantId) {
        Map<String, String> out = new HashMap<>();
        try (Connection c = Fixtures.connect();
             PreparedStatement ps = c.prepareStatement("select id, assignee_id from conversations where tenant_id = ? and state = 'open'")) {
            ps.setObject(1, UUID.fromString(tenantId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String sql, Object... args) {
        return Fixtures.count(sql, args);
    }

    // ------------------------------------------------------------------ plumbing

    /** The frame handler is in place before the server can write (ClientSockets). */
    private io.vertx.core.Future<WebSocket> connect(Replica r, String uri, Handler<String> frames) {
        URI base = URI.create(r.base());
        return ClientSockets.connect(vertx, client,
                new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(uri), frames);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.createObjectNode().put("type", "unparseable");
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Client-side view for a report: visitors that heard their assignment, send to hearing it. */
    long[] heardAssignmentMicros() {
        return visitors.stream().filter(v -> v.assignedNanos > 0)
                .mapToLong(v -> (v.assignedNanos - v.sentNanos) / 1000).sorted().toArray();
    }

    /** The p-th percentile (nearest rank) of sorted microseconds, in milliseconds. */
    static double percentileMillis(long[] sortedMicros, double p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sortedMicros.length);
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, rank - 1))] / 1000.0;
    }

    Set<String> conversations() {
        Set<String> out = new HashSet<>();
        for (Visitor v : visitors) {
            out.add(v.conversationId);
        }
        return out;
    }

    @Override
    public void close() {
        CountDownLatch closed = new CountDownLatch(1);
        vertx.close().onComplete(x -> closed.countDown());
        try {
            closed.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
