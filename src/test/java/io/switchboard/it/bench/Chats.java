package io.switchboard.it.bench;

import io.switchboard.it.Replica;
import io.switchboard.testing.Fixtures;
import io.vertx.core.http.WebSocket;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A fresh tenant whose visitors each have one open conversation with an agent, visitors and
 * agents connected as the widget and the console connect: the starting point of every
 * traffic scenario. Agents have capacity 200 (the protocol's maximum), so n conversations
 * need n / 200 agents; every conversation is routed by the service itself.
 */
final class Chats implements AutoCloseable {

    static final int AGENT_CAPACITY = 200;
    /** Handshakes and first messages in flight during set-up. */
    private static final int SETUP_IN_FLIGHT = 64;
    private static final String HELLO = "{\"type\":\"message\",\"clientId\":\"hello\",\"text\":\"hello\"}";

    static final class Visitor {
        final int index;
        final String token;
        volatile String conversationId;
        volatile WebSocket socket;

        Visitor(int index, String token) {
            this.index = index;
            this.token = token;
        }
    }

    static final class Agent {
        final Fixtures.Agent who;
        final String token;
        volatile WebSocket socket;

        Agent(Fixtures.Agent who, String token) {
            this.who = who;
            this.token = token;
        }
    }

    final Fixtures.Team team;
    final List<Visitor> visitors = new ArrayList<>();
    final List<Agent> agents = new ArrayList<>();
    private final BenchRun run;
    private volatile BiConsumer<Visitor, String> visitorFrames = (v, f) -> { };
    private volatile BiConsumer<Agent, String> agentFrames = (a, f) -> { };

    private Chats(BenchRun run, Fixtures.Team team) {
        this.run = run;
        this.team = team;
    }

    /**
     * Sets up {@code n} conversations: agents on {@code agentsOn}, visitor i on replica
     * {@code visitorsOn[i % size]}. Returns once PostgreSQL shows every one open and assigned.
     */
    static Chats open(BenchRun run, int n, Replica agentsOn, List<Replica> visitorsOn) {
        long t0 = System.nanoTime();
        Chats chats = new Chats(run, Fixtures.team((n + AGENT_CAPACITY - 1) / AGENT_CAPACITY, AGENT_CAPACITY));
        for (Fixtures.Agent a : chats.team.agents()) {
            chats.agents.add(new Agent(a, Rest.login(agentsOn, a.email())));
        }
        chats.connectAgents(agentsOn);
        List<String> tokens = Rest.visitorTokens(visitorsOn, chats.team.channelKey(), n);
        for (int i = 0; i < n; i++) {
            chats.visitors.add(new Visitor(i, tokens.get(i)));
        }
        // Each visitor writes once, as a widget's first message does; its ack names the conversation.
        Semaphore slots = new Semaphore(SETUP_IN_FLIGHT);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Visitor v : chats.visitors) {
            acquire(slots);
            CompletableFuture<Void> first = new CompletableFuture<>();
            started.add(first);
            chats.connectVisitor(v, visitorsOn.get(v.index % visitorsOn.size()), f -> {
                if (v.conversationId == null && f.startsWith("{\"type\":\"error\"") && f.contains("\"code\":\"unavailable\"")) {
                    // Storage busy (a shared PostgreSQL at its connection limit): try again, as the widget would.
                    run.vertx.setTimer(500, id -> v.socket.writeTextMessage(HELLO));
                }
                if (v.conversationId == null && f.startsWith("{\"type\":\"ack\"") && f.contains("\"clientId\":\"hello\"")) {
                    int at = f.indexOf("\"conversationId\":\"") + "\"conversationId\":\"".length();
                    v.conversationId = f.substring(at, f.indexOf('"', at));
                    slots.release();
                    first.complete(null);
                }
            }).onSuccess(ws -> ws.writeTextMessage(HELLO))
                    .onFailure(e -> {
                        slots.release();
                        first.completeExceptionally(e);
                    });
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("visitors could not start their conversations", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60 + n / 20).toNanos();
        while (chats.openConversations() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + chats.openConversations() + " of " + n + " conversations assigned");
            }
            BenchRun.pause(Duration.ofMillis(250));
        }
        System.out.printf("%d conversations open and assigned in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        return chats;
    }

    /** Where visitor frames go from now on (set-up frames are consumed before). */
    void onVisitorFrames(BiConsumer<Visitor, String> sink) {
        visitorFrames = sink;
    }

    void onAgentFrames(BiConsumer<Agent, String> sink) {
        agentFrames = sink;
    }

    /**
     * (Re)connects every agent's console to the replica and waits for each one's first
     * status frame, which the server sends once the replica listens for that agent.
     * A console closing does not change the agent's status, so conversations stay theirs.
     */
    void connectAgents(Replica r) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (Agent a : agents) {
            if (a.socket != null) {
                a.socket.close();
            }
            CompletableFuture<Void> status = new CompletableFuture<>();
            ready.add(status);
            run.connect(r.port(), "/ws/agent?token=" + a.token, f -> {
                if (!status.isDone() && f.startsWith("{\"type\":\"status\"")) {
                    status.complete(null);
                }
                agentFrames.accept(a, f);
            }).onSuccess(ws -> a.socket = ws).onFailure(status::completeExceptionally);
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("agents' consoles not ready on " + r.name, e);
        }
    }

    /** Opens a socket for the visitor; {@code setup} sees each frame before the current sink does. */
    io.vertx.core.Future<WebSocket> connectVisitor(Visitor v, Replica r, java.util.function.Consumer<String> setup) {
        return run.connect(r.port(), "/ws/visitor?token=" + v.token, f -> {
            setup.accept(f);
            visitorFrames.accept(v, f);
        }).onSuccess(ws -> v.socket = ws);
    }

    /** Conversation id to the id of the agent it is assigned to, from PostgreSQL. */
    Map<String, String> assignees() {
        Map<String, String> map = new HashMap<>();
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "select id, assignee_id from conversations where tenant_id = ? and state = 'open'")) {
            ps.setObject(1, UUID.fromString(team.tenantId()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    map.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return map;
    }

    long openConversations() {
        return Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'open'", team.tenantId());
    }

    /** Messages stored in this tenant whose clientId starts with the prefix, and how many distinct clientIds. */
    long[] storedMessages(String senderKind, String clientIdPrefix) {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "select count(*), count(distinct (conversation_id, client_id)) from messages"
                        + " where tenant_id = ? and sender_kind = ? and client_id like ?")) {
            ps.setObject(1, UUID.fromString(team.tenantId()));
            ps.setString(2, senderKind);
            ps.setString(3, clientIdPrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void acquire(Semaphore s) {
        try {
            if (!s.tryAcquire(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("set-up stalled: no answer to the first messages");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        visitors.forEach(v -> {
            if (v.socket != null) {
                v.socket.close();
            }
        });
        agents.forEach(a -> {
            if (a.socket != null) {
                a.socket.close();
            }
        });
    }
}
