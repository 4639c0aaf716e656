package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static org.awaitility.Awaitility.await;

/**
 * Benchmark P3 (../shared/BENCHMARKS.md), on demand only: {@code ./mvnw -Pbench verify}.
 * Open-loop, fixed rate: visitors send timestamped messages, agents' consoles read the
 * timestamps; visitor send to agent receive, through a packaged replica with real
 * PostgreSQL and Redis, every message committed before it is delivered. In the same run a
 * bare Vert.x WebSocket echo server at the same rate gives the ceiling of this machine.
 * Prints a table and writes docs/benchmarks.md. Never fails because the machine is slow.
 *
 * <p>Knobs: {@code -Dbench.rate=500} messages/s, {@code -Dbench.seconds=20},
 * {@code -Dbench.conversations=200}.
 */
class LatencyBench {

    private static final int RATE = Integer.getInteger("bench.rate", 500);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int CONVERSATIONS = Integer.getInteger("bench.conversations", 200);
    private static final int WARM_UP = Integer.getInteger("bench.warmup-seconds", 5);

    /** Latencies in microseconds, written from event-loop threads. */
    static final class Samples {
        final long[] values;
        final AtomicInteger n = new AtomicInteger();

        Samples(int capacity) {
            values = new long[capacity];
        }

        void add(long micros) {
            int i = n.getAndIncrement();
            if (i < values.length) {
                values[i] = micros;
            }
        }

        long[] sorted() {
            long[] v = Arrays.copyOf(values, Math.min(n.get(), values.length));
            Arrays.sort(v);
            return v;
        }

        static double pct(long[] sorted, double p) {
            return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
        }
    }

    @Test
    void visitorToAgentLatencyAgainstABareEcho() throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setMaxPoolSize(CONVERSATIONS * 2 + 50)
                .setMaxWebSockets(CONVERSATIONS * 2 + 50));
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        long[] echo = echoBaseline(vertx, client);

        try (PackagedApp app = PackagedApp.prepare()) {
            Replica replica = new Replica("bench", app, "bench-replica.log").withEnv("SWITCHBOARD_RATE_LIMIT_ENABLED", "false")
                    .withEnv("SWITCHBOARD_IT_FULL_JIT", "true");
            replica.launch();
            replica.awaitReady();
            try {
                Result service = service(vertx, client, replica);
                report(app.target().getParent(), load, echo, service);
            } finally {
                replica.stop();
                replica.awaitStopped();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    record Result(long[] latencies, long sent, long received, long acked) {}

    private long[] echoBaseline(Vertx vertx, HttpClient client) throws Exception {
        HttpServer server = vertx.createHttpServer()
                .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        Samples samples = new Samples(RATE * SECONDS * 2);
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < CONVERSATIONS; i++) {
            WebSocket ws = client.webSocket(server.actualPort(), "127.0.0.1", "/echo").toCompletionStage().toCompletableFuture().get();
            ws.textMessageHandler(t -> samples.add((System.nanoTime() - Long.parseLong(t)) / 1000));
            sockets.add(ws);
        }
        openLoop(vertx, sockets, WARM_UP, i -> Long.toString(System.nanoTime()));
        Thread.sleep(500);
        samples.n.set(0);
        openLoop(vertx, sockets, SECONDS, i -> Long.toString(System.nanoTime()));
        Thread.sleep(1000);
        sockets.forEach(WebSocket::close);
        server.close();
        return samples.sorted();
    }

    private Result service(Vertx vertx, HttpClient client, Replica r) throws Exception {
        int capacity = 100;
        int agents = Math.max(1, (CONVERSATIONS + capacity - 1) / capacity);
        Fixtures.Team team = Fixtures.team(agents, capacity);
        Samples samples = new Samples(RATE * SECONDS * 2);
        AtomicLong received = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        int port = Integer.parseInt(r.base().substring(r.base().lastIndexOf(':') + 1));
        for (Fixtures.Agent agent : team.agents()) {
            WebSocket ws = client.webSocket(port, "127.0.0.1", "/ws/agent?token=" + login(r, agent.email()))
                    .toCompletionStage().toCompletableFuture().get();
            ws.textMessageHandler(t -> {
                int at = t.indexOf("\"text\":\"bench ");
                if (at >= 0 && t.contains("\"type\":\"message\"")) {
                    int start = at + "\"text\":\"bench ".length();
                    samples.add((System.nanoTime() - Long.parseLong(t.substring(start, t.indexOf('"', start)))) / 1000);
                    received.incrementAndGet();
                }
            });
        }
        List<WebSocket> visitors = new ArrayList<>();
        for (int i = 0; i < CONVERSATIONS; i++) {
            JsonNode v = http("POST", r, "/api/v1/widget/" + team.channelKey() + "/visitors", null, Map.of(), 200);
            WebSocket ws = client.webSocket(port, "127.0.0.1", "/ws/visitor?token=" + v.path("visitorToken").asText())
                    .toCompletionStage().toCompletableFuture().get();
            ws.textMessageHandler(t -> {
                if (t.startsWith("{\"type\":\"ack\"")) {
                    acked.incrementAndGet();
                }
            });
            ws.writeTextMessage("{\"type\":\"message\",\"clientId\":\"open\",\"text\":\"hello\"}");
            visitors.add(ws);
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> Fixtures.count(
                "select count(*) from conversations where tenant_id = ? and state = 'open'", team.tenantId()) == CONVERSATIONS);
        AtomicLong seq = new AtomicLong();
        // Warm-up at the same rate (the JIT, pools and caches), not measured.
        long warm = openLoop(vertx, visitors, WARM_UP, i -> "{\"type\":\"message\",\"clientId\":\"w" + seq.incrementAndGet()
                + "\",\"text\":\"bench " + System.nanoTime() + "\"}");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> received.get() >= warm);
        Thread.sleep(500);
        samples.n.set(0);
        received.set(0);
        acked.set(0);
        long sent = openLoop(vertx, visitors, SECONDS, i -> "{\"type\":\"message\",\"clientId\":\"b" + seq.incrementAndGet()
                + "\",\"text\":\"bench " + System.nanoTime() + "\"}");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> received.get() >= sent);
        Thread.sleep(500);
        visitors.forEach(WebSocket::close);
        return new Result(samples.sorted(), sent, received.get(), acked.get());
    }

    /** Sends RATE frames a second for SECONDS, spread over the sockets, whatever the answers do. Returns how many. */
    private long openLoop(Vertx vertx, List<WebSocket> sockets, int seconds, java.util.function.IntFunction<String> frame)
            throws Exception {
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long total = (long) RATE * seconds;
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (System.nanoTime() - start) * RATE / 1_000_000_000L);
            while (sent.get() < due) {
                long i = sent.getAndIncrement();
                sockets.get((int) (i % sockets.size())).writeTextMessage(frame.apply((int) i));
            }
            if (sent.get() >= total) {
                vertx.cancelTimer(id);
                done.complete(null);
            }
        });
        done.get(seconds + 30L, TimeUnit.SECONDS);
        return sent.get();
    }

    private void report(Path project, String load, long[] echo, Result s) throws Exception {
        long[] lat = s.latencies();
        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + ", load average at start " + load;
        String table = String.format("""
                | measure | p50 ms | p99 ms | p99.9 ms | max ms | samples |
                |---|---|---|---|---|---|
                | bare Vert.x echo, round trip (ceiling) | %.2f | %.2f | %.2f | %.2f | %d |
                | Switchboard, visitor send to agent receive (one replica) | %.2f | %.2f | %.2f | %.2f | %d |
                | ratio Switchboard / echo | %.1f | %.1f | %.1f | | |
                """,
                Samples.pct(echo, .5), Samples.pct(echo, .99), Samples.pct(echo, .999), Samples.pct(echo, 1), echo.length,
                Samples.pct(lat, .5), Samples.pct(lat, .99), Samples.pct(lat, .999), Samples.pct(lat, 1), lat.length,
                Samples.pct(lat, .5) / Samples.pct(echo, .5), Samples.pct(lat, .99) / Samples.pct(echo, .99),
                Samples.pct(lat, .999) / Samples.pct(echo, .999));
        String doc = "# Benchmarks\n\n"
                + "Latest run of `./mvnw -Pbench verify` (`LatencyBench`, scenario P3 of the benchmark targets, scaled to "
                + "this machine): " + RATE + " messages/s open-loop for " + SECONDS + " s over " + CONVERSATIONS
                + " conversations after " + WARM_UP + " s of warm-up at the same rate, every message committed to PostgreSQL before its ack and delivered through Redis pub/sub; "
                + "the load generator runs on the same machine.\n\n"
                + "- When: " + Instant.now() + "\n- Machine: " + machine + "\n"
                + "- Sent " + s.sent() + ", received by agents " + s.received() + ", acknowledged " + s.acked() + "\n\n"
                + table + "\n"
                + "Targets (P3): p50 <= 3 ms, p99 <= 15 ms, p99.9 <= 50 ms at 1,000 msg/s over 5,000 conversations. "
                + "Figures on a shared, loaded machine are noisy; compare the ratio, measured in the same run.\n\n"
                + "Not measured yet: P1 (idle capacity), P2 (throughput ramp), P4 (assignment under contention), "
                + "P5 (two replicas against one) and P6 (reconnect storm and soak).\n";
        System.out.println(doc);
        Files.writeString(project.resolve("docs/benchmarks.md"), doc);
    }
}
