package io.switchboard.it.bench;

import io.switchboard.it.Replica;
import io.vertx.core.http.WebSocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.switchboard.it.bench.ScenarioReport.f;
import static io.switchboard.it.bench.ScenarioReport.ratio;

/**
 * P3, latency at a fixed rate: open loop over many conversations on one replica, visitor
 * send to agent receive, every message committed before it is delivered. The baseline is
 * the bare echo at the same rate over as many sockets (send to echo).
 */
final class P3Latency implements Scenario {

    @Override
    public String id() {
        return "P3";
    }

    @Override
    public String title() {
        return "Latency at a fixed rate";
    }

    @Override
    public ScenarioReport run(BenchRun run) throws Exception {
        Knobs k = run.knobs;
        int rate = k.integer("bench.p3.rate", 1_000);
        int conversations = k.integer("bench.p3.conversations", 1_000, 5_000);
        Duration length = Duration.ofSeconds(k.integer("bench.p3.seconds", 20, 60));
        Duration warmUp = Duration.ofSeconds(k.integer("bench.p3.warmup-seconds", 5, 10));
        long capacity = rate * (length.toSeconds() + warmUp.toSeconds()) + 1000;

        Result echoRun;
        try (EchoServer.Handle server = run.echo("p3", "1")) {
            Flow flow = new Flow(capacity);
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < conversations; i++) {
                sockets.add(run.connectNow(server.port(), "/echo", flow::onEchoFrame));
            }
            echoRun = measure(run, flow, rate, length, warmUp,
                    (i, due) -> sockets.get((int) (i % sockets.size())).writeTextMessage(Flow.frame(i, due, null)));
            sockets.forEach(WebSocket::close);
        }

        Result service;
        List<Replica> replicas = run.startReplicas("p3", 1);
        try (Chats chats = Chats.open(run, conversations, replicas.get(0), replicas)) {
            Flow flow = new Flow(capacity);
            chats.onVisitorFrames((v, f) -> flow.onVisitorFrame(f));
            chats.onAgentFrames((a, f) -> flow.onAgentFrame(f));
            service = measure(run, flow, rate, length, warmUp, (i, due) -> {
                Chats.Visitor v = chats.visitors.get((int) (i % conversations));
                v.socket.writeTextMessage(Flow.frame(i, due, v.conversationId));
            }, replicas);
        } finally {
            BenchRun.stop(replicas);
        }

        Percentiles.Sorted echo = echoRun.latency();
        Percentiles.Sorted s = service.latency();
        boolean judged = rate >= 1_000;
        ScenarioReport r = new ScenarioReport(id(), title());
        r.row("p50, visitor send to agent receive", "<= 3 ms", f(s.p50(), 2) + " ms", f(echo.p50(), 2) + " ms",
                ratio(s.p50(), echo.p50()), judged ? s.p50() <= 3 : null);
        r.row("p99", "<= 15 ms", f(s.p99(), 2) + " ms", f(echo.p99(), 2) + " ms", ratio(s.p99(), echo.p99()), judged ? s.p99() <= 15 : null);
        r.row("p99.9", "<= 50 ms", f(s.p999(), 2) + " ms", f(echo.p999(), 2) + " ms", ratio(s.p999(), echo.p999()),
                judged ? s.p999() <= 50 : null);
        r.note(String.format("%,d msg/s open loop for %d s over %,d conversations (target: 1,000 msg/s over 5,000, "
                        + "`-Dbench.full=true` or `-Dbench.p3.conversations=5000`), one replica, after %d s of warm-up at the "
                        + "same rate. Measured part: sent %,d, acked %,d, delivered %,d; max %.1f ms (echo %.1f ms). Errors: %s.",
                rate, length.toSeconds(), conversations, warmUp.toSeconds(), service.sent(), service.acked(), service.delivered(),
                s.max(), echo.max(), service.errors()));
        r.note(String.format("Messages over 15 ms, by when they were sent (slow messages sent less than %d ms apart make one burst): "
                        + "service %s; echo %s.", SlowBursts.GAP_MILLIS,
                service.slow().describe(service.sent()), echoRun.slow().describe(echoRun.sent())));
        r.note(service.cost().describe());
        return r;
    }

    record Result(Percentiles.Sorted latency, long sent, long acked, long delivered, String errors, SlowBursts slow,
                  MessageCost cost) {}

    /** What counts as slow when showing how the slow messages are spread: the p99 target. */
    private static final long SLOW_MICROS = 15_000;

    /** Warm-up at the rate, then the measured run; returns once every message arrived or 30 s passed. */
    private static Result measure(BenchRun run, Flow flow, int rate, Duration length, Duration warmUp, OpenLoop.Sender sender) {
        return measure(run, flow, rate, length, warmUp, sender, null);
    }

    /** The same; with {@code replicas}, also what the measured part cost per message ({@link MessageCost}). */
    private static Result measure(BenchRun run, Flow flow, int rate, Duration length, Duration warmUp, OpenLoop.Sender sender,
                                  List<Replica> replicas) {
        long offset = OpenLoop.run(run.vertx, rate, warmUp, sender::send).count();
        awaitDelivered(flow, offset, Duration.ofSeconds(30));
        BenchRun.pause(Duration.ofMillis(500));
        flow.latency.reset();
        long ackedBefore = flow.ackCount.get();
        long deliveredBefore = flow.receivedCount.get();
        MessageCost.Meter meter = replicas == null ? null : MessageCost.start(replicas);
        OpenLoop.Sent sent = OpenLoop.run(run.vertx, rate, length, (i, due) -> sender.send(offset + i, due));
        awaitDelivered(flow, offset + sent.count(), Duration.ofSeconds(30));
        MessageCost cost = meter == null ? null : meter.stop(sent.count());
        return new Result(flow.latency.snapshot(), sent.count(), flow.ackCount.get() - ackedBefore,
                flow.receivedCount.get() - deliveredBefore, flow.errorSummary(),
                SlowBursts.of(flow.latencyByMessage, offset, sent.count(), rate, SLOW_MICROS), cost);
    }

    private static void awaitDelivered(Flow flow, long total, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (flow.receivedCount.get() < total && System.nanoTime() < deadline) {
            BenchRun.pause(Duration.ofMillis(50));
        }
    }
}
