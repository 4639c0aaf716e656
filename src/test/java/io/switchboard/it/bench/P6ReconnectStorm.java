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
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.switchboard.it.bench.ScenarioReport.f;
import static io.switchboard.it.bench.ScenarioReport.ratio;

/**
 * P6, reconnect storm and soak. M visitors, each in an open conversation, half on each of
 * two replicas; agents write to them and they write back all along. Every visitor socket
 * then drops at a random moment within the storm window and reconnects at once to the
 * other replica, sends {@code resume} from the last sequence number it holds without a gap,
 * and re-sends its unacknowledged messages with their original clientIds, as the widget
 * does. A socket counts as resumed when the answer to a marker frame sent after the
 * {@code resume} arrives (a socket's frames are answered in order). Then the same traffic
 * runs on for the soak, with resident memory sampled on both replicas.
 *
 * <p>Nothing may be lost: at the end every visitor must hold every sequence number of its
 * conversation in PostgreSQL, and every acked visitor message must have reached its agent
 * and be stored once. The baseline is the same storm against the echo server: every socket
 * dropped and reconnected within the window, back when its first echo returns.
 */
final class P6ReconnectStorm implements Scenario {

    private static final String SYNC = "{\"type\":\"sync\"}";

    @Override
    public String id() {
        return "P6";
    }

    @Override
    public String title() {
        return "Reconnect storm and soak";
    }

    /** One visitor's side of its conversation, guarded by itself: frames, the generator and the storm all touch it. */
    static final class VisitorState {
        final Chats.Visitor visitor;
        final BitSet seen = new BitSet();
        /** Messages not yet acked, by clientId: re-sent after a reconnect. */
        final Map<String, String> pending = new LinkedHashMap<>();
        /** True while the socket is up and resumed: new messages go out at once, else they wait in pending. */
        boolean live = true;
        long droppedAt;
        long resumedAt;
        int reconnects;

        VisitorState(Chats.Visitor visitor) {
            this.visitor = visitor;
        }

        /** The highest sequence number with nothing missing below it: where a resume starts. */
        synchronized long contiguous() {
            return seen.nextClearBit(1) - 1;
        }
    }

    @Override
    public ScenarioReport run(BenchRun run) throws Exception {
        Knobs k = run.knobs;
        int m = k.integer("bench.p6.sockets", 2_000, 10_000);
        Duration window = Duration.ofSeconds(k.integer("bench.p6.storm-seconds", 10));
        Duration soak = Duration.ofSeconds(k.integer("bench.p6.soak-seconds", 60, 1_800));
        int agentRate = k.integer("bench.p6.agent-rate", 100);
        int visitorRate = k.integer("bench.p6.visitor-rate", 100);

        double echoStorm;
        try (EchoServer.Handle echo = run.echo("p6", "1")) {
            echoStorm = echoStorm(run, echo.port(), m, window);
        }
        System.out.printf("P6 echo: every socket back in %.2f s%n", echoStorm);

        ScenarioReport r = new ScenarioReport(id(), title());
        List<Replica> replicas = run.startReplicas("p6", 2);
        try (Chats chats = Chats.open(run, m, replicas.get(1), replicas)) {
            new Traffic(run, chats, replicas, agentRate, visitorRate).run(r, m, window, soak, echoStorm);
        } finally {
            BenchRun.stop(replicas);
        }
        long blocked = 0;
        for (Replica rep : replicas) {
            blocked += rep.logText().lines().filter(l -> l.contains("has been blocked for")).count();
        }
        r.row("blocked-thread warnings in the replica logs", "0", Long.toString(blocked), "", "", blocked == 0);
        r.note(String.format("%,d visitor sockets (full target 10,000: `-Dbench.p6.sockets=10000`), storm window %d s, "
                        + "soak %d s (full: 30 minutes, `-Dbench.p6.soak-seconds=1800`) at %d agent + %d visitor msg/s. "
                        + "Sockets close cleanly (close frame), then reconnect to the other replica.",
                m, window.toSeconds(), soak.toSeconds(), agentRate, visitorRate));
        return r;
    }

    /** Drops and reconnects m echo sockets within the window; seconds until the last one's first echo came back. */
    private static double echoStorm(BenchRun run, int port, int m, Duration window) throws Exception {
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            sockets.add(run.connectNow(port, "/echo", t -> { }));
        }
        long t0 = System.nanoTime();
        AtomicLong last = new AtomicLong();
        List<CompletableFuture<Void>> back = new ArrayList<>();
        for (WebSocket ws : sockets) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            back.add(done);
            run.vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(window.toMillis()), id -> {
                ws.close();
                reconnect(run, port, done, last);
            });
        }
        CompletableFuture.allOf(back.toArray(CompletableFuture[]::new)).get(window.toSeconds() + 120, TimeUnit.SECONDS);
        return (last.get() - t0) / 1e9;
    }

    private static void reconnect(BenchRun run, int port, CompletableFuture<Void> done, AtomicLong last) {
        WebSocket[] self = new WebSocket[1];
        run.connect(port, "/echo", t -> {
            last.accumulateAndGet(System.nanoTime(), Math::max);
            self[0].close();
            done.complete(null);
        }).onSuccess(ws -> {
            self[0] = ws;
            ws.writeTextMessage("back");
        }).onFailure(e -> run.vertx.setTimer(100, id -> reconnect(run, port, done, last)));
    }

    /** The service side: traffic both ways, the storm, the soak and the accounting. */
    private static final class Traffic {
        private final BenchRun run;
        private final Chats chats;
        private final List<Replica> replicas;
        private final int agentRate;
        private final int visitorRate;
        private final VisitorState[] states;
        private final Map<String, Chats.Agent> agentById = new HashMap<>();
        private final Map<String, String> assignee;
        private final Bits visitorAcked = new Bits(50_000_000);
        private final Bits agentReceived = new Bits(50_000_000);
        private final AtomicLong visitorSent = new AtomicLong();
        private final AtomicLong agentSent = new AtomicLong();
        private final AtomicLong agentAcked = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);

        Traffic(BenchRun run, Chats chats, List<Replica> replicas, int agentRate, int visitorRate) {
            this.run = run;
            this.chats = chats;
            this.replicas = replicas;
            this.agentRate = agentRate;
            this.visitorRate = visitorRate;
            states = new VisitorState[chats.visitors.size()];
            for (Chats.Visitor v : chats.visitors) {
                states[v.index] = new VisitorState(v);
            }
            chats.agents.forEach(a -> agentById.put(a.who.id(), a));
            assignee = chats.assignees();
            chats.onVisitorFrames((v, f) -> onVisitorFrame(states[v.index], f));
            chats.onAgentFrames((a, f) -> onAgentFrame(f));
        }

        void run(ScenarioReport r, int m, Duration window, Duration soak, double echoStorm) throws Exception {
            // Frames sent during set-up were not watched: a resume from 0 gives every visitor its whole conversation.
            resumeAll(true);
            CompletableFuture<Long> agents = OpenLoop.background(run.vertx, agentRate, running::get, this::agentSends);
            CompletableFuture<Long> visitors = OpenLoop.background(run.vertx, visitorRate, running::get, this::visitorSends);
            BenchRun.pause(Duration.ofSeconds(3));

            long t0 = System.nanoTime();
            for (VisitorState s : states) {
                run.vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(window.toMillis()), id -> drop(s));
            }
            long deadline = t0 + window.toNanos() + Duration.ofSeconds(120).toNanos();
            while (resumedSince(t0) < m && System.nanoTime() < deadline) {
                BenchRun.pause(Duration.ofMillis(100));
            }
            long resumed = resumedSince(t0);
            long within15 = 0;
            long lastResumed = t0;
            Percentiles gap = new Percentiles(m);
            for (VisitorState s : states) {
                synchronized (s) {
                    if (s.resumedAt > t0) {
                        lastResumed = Math.max(lastResumed, s.resumedAt);
                        within15 += s.resumedAt - t0 <= 15e9 ? 1 : 0;
                        gap.add((s.resumedAt - s.droppedAt) / 1000);
                    }
                }
            }
            double storm = (lastResumed - t0) / 1e9;
            Percentiles.Sorted drop = gap.snapshot();
            System.out.printf("P6 storm: %d of %d resumed, the last after %.2f s; drop to resumed p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    resumed, m, storm, drop.p50(), drop.p99(), drop.max());

            // Soak: the same traffic on, memory sampled at the start and the end.
            // Both ends measured right after a full GC (which may give heap back to the OS), so they compare.
            long heapStart = heap();
            long rssStart = rss();
            List<String> samples = new ArrayList<>();
            long soakEnd = System.nanoTime() + soak.toNanos();
            while (System.nanoTime() < soakEnd) {
                BenchRun.pause(Duration.ofMillis(Math.min(10_000, Math.max(1, (soakEnd - System.nanoTime()) / 1_000_000))));
                samples.add(f(rss() / 1048576.0, 0));
            }
            long heapEnd = heap();
            long rssEnd = rss();
            running.set(false);
            long agentMessages = agents.get(30, TimeUnit.SECONDS);
            long visitorMessages = visitors.get(30, TimeUnit.SECONDS);
            Accounting a = settleAndCount();

            double rssGrowth = (rssEnd - rssStart) * 100.0 / rssStart;
            r.row("storm: time until every socket resumed", "<= 15 s for 10,000 sockets (window 10 s)",
                    String.format("%.2f s (%,d of %,d resumed, %,d within 15 s)", storm, resumed, m, within15),
                    String.format("%.2f s", echoStorm), ratio(storm, echoStorm), m >= 10_000 ? storm <= 15 && resumed == m : null);
            r.row("lost messages, storm and soak", "0", String.format("%,d to visitors, %,d to agents, %,d unacked, %,d doubled",
                            a.missingAtVisitors, a.missingAtAgents, a.unacked, a.doubled), "", "",
                    a.missingAtVisitors + a.missingAtAgents + a.unacked + a.doubled == 0 && resumed == m);
            r.row("soak: RSS growth, both replicas (after a full GC at both ends)", "< 5% over 30 min", String.format("%+.1f%% (%s to %s MB)",
                            rssGrowth, f(rssStart / 1048576.0, 0), f(rssEnd / 1048576.0, 0)), "", "",
                    soak.toSeconds() >= 1_800 ? rssGrowth < 5 : null);
            r.note(String.format("Storm: from a socket's drop to its resume answered: p50 %s ms, p99 %s ms, max %s ms.",
                    f(drop.p50(), 0), f(drop.p99(), 0), f(drop.max(), 0)));
            r.note(String.format("Soak: live heap after a full GC went from %s to %s MB; RSS samples (MB, both replicas): %s. "
                            + "Messages: %,d from agents (%,d acked), %,d from visitors (%,d acked); expected visitor-visible "
                            + "sequence numbers checked: %,d; error frames: %d; reconnect attempts: %,d.",
                    f(heapStart / 1048576.0, 0), f(heapEnd / 1048576.0, 0), String.join(", ", samples), agentMessages,
                    agentAcked.get(), visitorMessages, a.visitorAcked, a.expected, errors.get(), reconnects()));
        }

        private void agentSends(long i) {
            VisitorState s = states[(int) (i % states.length)];
            Chats.Agent agent = agentById.get(assignee.get(s.visitor.conversationId));
            agentSent.incrementAndGet();
            agent.socket.writeTextMessage("{\"type\":\"message\",\"conversationId\":\"" + s.visitor.conversationId
                    + "\",\"clientId\":\"a" + i + "\",\"text\":\"a " + i + "\"}");
        }

        private void visitorSends(long i) {
            // A stride through the visitors, so agent and visitor messages do not always hit the same conversation together.
            VisitorState s = states[(int) ((i * 7919) % states.length)];
            String clientId = "v" + i;
            String frame = "{\"type\":\"message\",\"clientId\":\"" + clientId + "\",\"conversationId\":\""
                    + s.visitor.conversationId + "\",\"text\":\"v " + i + "\"}";
            visitorSent.incrementAndGet();
            synchronized (s) {
                s.pending.put(clientId, frame);
                if (s.live) {
                    s.visitor.socket.writeTextMessage(frame);
                }
            }
        }

        /** The storm for one visitor: the socket drops, the next one goes to the other replica. */
        private void drop(VisitorState s) {
            WebSocket old;
            synchronized (s) {
                s.live = false;
                s.droppedAt = System.nanoTime();
                old = s.visitor.socket;
            }
            old.close();
            reconnect(s, (s.visitor.index + 1 + s.reconnects) % replicas.size());
        }

        private void reconnect(VisitorState s, int replica) {
            synchronized (s) {
                s.reconnects++;
            }
            chats.connectVisitor(s.visitor, replicas.get(replica), f -> { })
                    .onSuccess(ws -> {
                        ws.writeTextMessage("{\"type\":\"resume\",\"conversationId\":\"" + s.visitor.conversationId
                                + "\",\"lastSeq\":" + s.contiguous() + "}");
                        ws.writeTextMessage(SYNC);
                    })
                    .onFailure(e -> run.vertx.setTimer(100, id -> reconnect(s, replica)));
        }

        private void onVisitorFrame(VisitorState s, String f) {
            if (f.startsWith("{\"type\":\"message\"")) {
                long seq = number(f, "\"seq\":");
                synchronized (s) {
                    s.seen.set((int) seq);
                }
            } else if (f.startsWith("{\"type\":\"ack\"")) {
                String clientId = f.substring(f.indexOf("\"clientId\":\"") + 12, f.indexOf('"', f.indexOf("\"clientId\":\"") + 12));
                long seq = number(f, "\"seq\":");
                synchronized (s) {
                    s.seen.set((int) seq);
                    s.pending.remove(clientId);
                }
                if (clientId.startsWith("v")) {
                    visitorAcked.set(Long.parseLong(clientId.substring(1)));
                }
            } else if (f.startsWith("{\"type\":\"error\"")) {
                if (f.contains("\"code\":\"unknown_type\"")) {
                    // The marker's answer: the resume before it has been answered in full.
                    synchronized (s) {
                        s.resumedAt = System.nanoTime();
                        s.live = true;
                        s.pending.values().forEach(s.visitor.socket::writeTextMessage);
                    }
                } else {
                    errors.incrementAndGet();
                }
            }
        }

        private void onAgentFrame(String f) {
            if (f.startsWith("{\"type\":\"message\"")) {
                int at = f.indexOf("\"text\":\"v ");
                if (at >= 0) {
                    int start = at + "\"text\":\"v ".length();
                    agentReceived.set(Long.parseLong(f, start, f.indexOf('"', start), 10));
                }
            } else if (f.startsWith("{\"type\":\"ack\"")) {
                agentAcked.incrementAndGet();
            } else if (f.startsWith("{\"type\":\"error\"")) {
                errors.incrementAndGet();
            }
        }

        /** Every visitor resumes (from 0 at the start) and is marked when the replay is through. */
        private void resumeAll(boolean fromStart) {
            long t = System.nanoTime();
            for (VisitorState s : states) {
                synchronized (s) {
                    s.live = false;
                    s.visitor.socket.writeTextMessage("{\"type\":\"resume\",\"conversationId\":\"" + s.visitor.conversationId
                            + "\",\"lastSeq\":" + (fromStart ? 0 : s.contiguous()) + "}");
                    s.visitor.socket.writeTextMessage(SYNC);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (resumedSince(t) < states.length && System.nanoTime() < deadline) {
                BenchRun.pause(Duration.ofMillis(100));
            }
        }

        private long resumedSince(long t) {
            long n = 0;
            for (VisitorState s : states) {
                synchronized (s) {
                    n += s.resumedAt > t ? 1 : 0;
                }
            }
            return n;
        }

        private long reconnects() {
            long n = 0;
            for (VisitorState s : states) {
                synchronized (s) {
                    n += s.reconnects;
                }
            }
            return n;
        }

        private long rss() {
            return replicas.stream().mapToLong(rep -> ProcStats.rssBytes(rep.pid())).sum();
        }

        private long heap() {
            return replicas.stream().mapToLong(rep -> ProcStats.liveHeapBytes(rep.pid())).sum();
        }

        record Accounting(long expected, long missingAtVisitors, long missingAtAgents, long visitorAcked, long unacked, long doubled) {}

        /** After the traffic stopped: waits for the stragglers, then compares what arrived with PostgreSQL. */
        private Accounting settleAndCount() {
            Map<String, Integer> lastSeq = lastSeqs();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long[] c;
            do {
                BenchRun.pause(Duration.ofMillis(500));
                c = count(lastSeq);
            } while ((c[1] > 0 || c[2] > 0 || c[3] > 0) && System.nanoTime() < deadline);
            long[] stored = chats.storedMessages("visitor", "v");
            return new Accounting(c[0], c[1], c[2], c[4], c[3], stored[0] - stored[1]);
        }

        /** expected sequence numbers, missing at visitors, acked visitor messages missing at agents, unacked, acked. */
        private long[] count(Map<String, Integer> lastSeq) {
            long expected = 0;
            long missing = 0;
            long unacked = 0;
            for (VisitorState s : states) {
                int last = lastSeq.getOrDefault(s.visitor.conversationId, 0);
                synchronized (s) {
                    expected += last;
                    BitSet want = new BitSet();
                    want.set(1, last + 1);
                    want.andNot(s.seen);
                    missing += want.cardinality();
                    unacked += s.pending.size();
                }
            }
            long sent = visitorSent.get();
            long acked = 0;
            long atAgents = 0;
            for (long i = 0; i < sent; i++) {
                if (visitorAcked.get(i)) {
                    acked++;
                    atAgents += agentReceived.get(i) ? 0 : 1;
                }
            }
            return new long[] {expected, missing, atAgents, unacked, acked};
        }

        private Map<String, Integer> lastSeqs() {
            Map<String, Integer> map = new HashMap<>();
            try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                    "select id, last_seq, (select count(*) from messages m where m.conversation_id = c.id and m.internal)"
                            + " from conversations c where tenant_id = ?")) {
                ps.setObject(1, UUID.fromString(chats.team.tenantId()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getLong(3) > 0) {
                            throw new IllegalStateException("internal notes in a benchmark conversation: the check assumes none");
                        }
                        map.put(rs.getString(1), rs.getInt(2));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return map;
        }

        private static long number(String f, String prefix) {
            int start = f.indexOf(prefix) + prefix.length();
            int end = start;
            while (end < f.length() && Character.isDigit(f.charAt(end))) {
                end++;
            }
            return Long.parseLong(f, start, end, 10);
        }
    }
}
