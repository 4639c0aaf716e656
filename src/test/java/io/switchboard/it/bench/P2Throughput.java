package io.switchboard.it.bench;

import io.switchboard.it.Replica;
import io.vertx.core.http.WebSocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.switchboard.it.bench.ScenarioReport.f;
import static io.switchboard.it.bench.ScenarioReport.ratio;

/**
 * P2, routed and persisted throughput: visitors on replica A, their agents on replica B, so
 * every message is committed to PostgreSQL before its ack and crosses Redis to reach the
 * agent. A stepped open-loop ramp finds the highest rate whose p99 (visitor send to agent
 * receive) stays within 50 ms with every message acked and delivered; afterwards every
 * acked message must have reached its agent and be in PostgreSQL exactly once. The
 * baseline runs the same ramp with the same client against the echo server (send to echo).
 */
final class P2Throughput implements Scenario {

    static final String MAX_SUSTAINED = "maxSustained";

    @Override
    public String id() {
        return "P2";
    }

    @Override
    public String title() {
        return "Routed, persisted throughput";
    }

    @Override
    public ScenarioReport run(BenchRun run) throws Exception {
        Knobs k = run.knobs;
        int conversations = k.integer("bench.p2.conversations", 400);
        Duration step = Duration.ofSeconds(k.integer("bench.p2.step-seconds", 8, 10));
        Duration warmUp = Duration.ofSeconds(k.integer("bench.p2.warmup-seconds", 10));
        int p99Limit = k.integer("bench.p2.p99-limit-ms", 50);
        List<Integer> rates = Arrays.stream(k.text("bench.p2.rates",
                        "500,1000,1500,2000,3000,4000,5000,6000,8000,10000,12000,15000,20000,25000,30000,40000,50000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        // Every step may run twice (a retry), plus the warm-up.
        long capacity = 2 * rates.stream().mapToLong(r -> r * step.toSeconds()).sum() + rates.get(0) * warmUp.toSeconds() + 1000;
        Duration drain = Duration.ofSeconds(3);

        // Baseline: the same client and ramp against the bare echo.
        List<Ramp.Step> echoSteps;
        try (EchoServer.Handle echo = run.echo("p2", "1")) {
            Flow flow = new Flow(capacity);
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < conversations; i++) {
                sockets.add(run.connectNow(echo.port(), "/echo", flow::onEchoFrame));
            }
            Ramp ramp = new Ramp(run.vertx, flow, (i, due) -> sockets.get((int) (i % sockets.size()))
                    .writeTextMessage(Flow.frame(i, due, null)), drain);
            System.out.println("P2 echo ramp");
            ramp.warmUp(rates.get(0), warmUp);
            echoSteps = ramp.climb(rates, step, p99Limit);
            sockets.forEach(WebSocket::close);
        }

        List<Ramp.Step> steps;
        long acked;
        long lost;
        long duplicates;
        long[] stored;
        String errorSummary;
        List<Replica> replicas = run.startReplicas("p2", 2);
        try (Chats chats = Chats.open(run, conversations, replicas.get(1), List.of(replicas.get(0)))) {
            Flow flow = new Flow(capacity);
            chats.onVisitorFrames((v, f) -> flow.onVisitorFrame(f));
            chats.onAgentFrames((a, f) -> flow.onAgentFrame(f));
            Ramp ramp = new Ramp(run.vertx, flow, (i, due) -> {
                Chats.Visitor v = chats.visitors.get((int) (i % conversations));
                v.socket.writeTextMessage(Flow.frame(i, due, v.conversationId));
            }, drain);
            System.out.println("P2 service ramp");
            ramp.warmUp(rates.get(0), warmUp);
            steps = ramp.climb(rates, step, p99Limit);
            // Whatever the last step left in flight: wait for it, then check every acked message.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (flow.receivedCount.get() < flow.ackCount.get() && System.nanoTime() < deadline) {
                BenchRun.pause(Duration.ofMillis(100));
            }
            acked = flow.ackCount.get();
            lost = flow.acked.missingFrom(flow.received, 0, ramp.sent());
            duplicates = flow.duplicates.get();
            stored = chats.storedMessages("visitor", "m");
            errorSummary = flow.errorSummary();
        } finally {
            BenchRun.stop(replicas);
        }

        int max = Ramp.maxSustained(steps);
        int echoMax = Ramp.maxSustained(echoSteps);
        boolean echoTopped = echoMax == rates.get(rates.size() - 1);
        boolean lossless = lost == 0 && stored[0] == stored[1] && stored[0] >= acked && duplicates == 0;
        ScenarioReport r = new ScenarioReport(id(), title());
        r.figures.put(MAX_SUSTAINED, (double) max);
        r.row("max msg/s with p99 <= " + p99Limit + " ms, zero loss (visitor on A, agent on B)", ">= 5,000 (stretch 10,000)",
                String.format("%,d/s", max), String.format("%s%,d/s", echoTopped ? ">= " : "", echoMax),
                ratio(max, echoMax), max >= 5_000 && lossless);
        r.row("acked messages lost, doubled or missing in PostgreSQL", "0",
                String.format("%,d lost, %,d doubled, %,d acked / %,d stored", lost, duplicates + (stored[0] - stored[1]), acked, stored[0]),
                "", "", lossless);
        r.note(String.format("%,d conversations; steps of %d s after %d s of warm-up at %,d msg/s; a step passes when p99 <= %d ms, "
                        + "every message is acked and delivered within %d s of the step's end, no error frame and the generator "
                        + "kept the rate; a failed step is tried once more before the ramp stops. Baseline: the same client and ramp, each message echoed back by the bare server.",
                conversations, step.toSeconds(), warmUp.toSeconds(), rates.get(0), p99Limit, drain.toSeconds()));
        if (!errorSummary.equals("{}")) {
            r.note("Error frames from the service, by code: " + errorSummary + ".");
        }
        r.details.append(Ramp.table("service", steps)).append('\n').append(Ramp.table("echo", echoSteps));
        return r;
    }
}
