package io.switchboard.it.bench;

import io.switchboard.it.Replica;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.switchboard.it.bench.ScenarioReport.f;
import static io.switchboard.it.bench.ScenarioReport.ratio;

/**
 * P5, the cost of crossing replicas: the same open-loop traffic with the agents' consoles
 * on the visitors' replica (the baseline) and on the other one. Two replicas run
 * throughout, so the only difference is where the agent's socket is; the configurations
 * alternate in rounds (A B, then B A) so that drift on a shared machine falls on both alike. Frames go
 * through Redis pub/sub in both cases: a replica publishes even to its own sockets.
 */
final class P5CrossReplica implements Scenario {

    static final int TARGET_RATE = 2_000;

    @Override
    public String id() {
        return "P5";
    }

    @Override
    public String title() {
        return "Cross-replica cost";
    }

    @Override
    public ScenarioReport run(BenchRun run) throws Exception {
        Knobs k = run.knobs;
        int rate = k.integer("bench.p5.rate", TARGET_RATE);
        String rateWhy = "";
        ScenarioReport p2 = run.done.get("P2");
        if (!k.given("bench.p5.rate") && p2 != null && p2.figures.containsKey(P2Throughput.MAX_SUSTAINED)) {
            // Above the box's sustainable rate both configurations only measure queueing: stay at 80% of P2's maximum.
            int sustainable = Math.max(100, (int) (p2.figures.get(P2Throughput.MAX_SUSTAINED) * 0.8) / 100 * 100);
            if (sustainable < rate) {
                rate = sustainable;
                rateWhy = String.format(" (lowered from %,d: P2 sustained %,.0f msg/s in this run)", TARGET_RATE,
                        p2.figures.get(P2Throughput.MAX_SUSTAINED));
            }
        }
        int conversations = k.integer("bench.p5.conversations", 400);
        Duration phase = Duration.ofSeconds(k.integer("bench.p5.seconds", 10, 20));
        int rounds = k.integer("bench.p5.rounds", 2, 3);
        Duration warmUp = Duration.ofSeconds(k.integer("bench.p5.warmup-seconds", 5, 10));
        long capacity = (long) rate * 2 * (warmUp.toSeconds() + rounds * phase.toSeconds()) + 1000;

        long[][] samples = new long[2][0];
        long sent = 0;
        long delivered = 0;
        String errors;
        List<Replica> replicas = run.startReplicas("p5", 2);
        try (Chats chats = Chats.open(run, conversations, replicas.get(0), List.of(replicas.get(0)))) {
            Flow flow = new Flow(capacity);
            chats.onVisitorFrames((v, fr) -> flow.onVisitorFrame(fr));
            chats.onAgentFrames((a, fr) -> flow.onAgentFrame(fr));
            long[] next = {0};
            OpenLoop.Sender sender = (i, due) -> {
                Chats.Visitor v = chats.visitors.get((int) (i % conversations));
                v.socket.writeTextMessage(Flow.frame(i, due, v.conversationId));
            };
            // Warm-up in both configurations, so neither meets cold code paths in its first measured round.
            for (int where = 0; where < 2; where++) {
                chats.connectAgents(replicas.get(where));
                long from = next[0];
                next[0] += OpenLoop.run(run.vertx, rate, warmUp, (i, due) -> sender.send(from + i, due)).count();
                awaitDelivered(flow, next[0]);
                System.out.printf("P5 warm-up, consoles on %s: sent %d, acked %d, delivered %d%n", replicas.get(where).name,
                        next[0], flow.ackCount.get(), flow.receivedCount.get());
            }
            for (int round = 0; round < rounds; round++) {
                for (int turn = 0; turn < 2; turn++) {
                    // A then B, next round B then A: whatever favours the later phase falls on both alike.
                    int where = round % 2 == 0 ? turn : 1 - turn;
                    // where 0: consoles on A with the visitors (baseline); 1: consoles on B.
                    chats.connectAgents(replicas.get(where));
                    flow.latency.reset();
                    long from = next[0];
                    long count = OpenLoop.run(run.vertx, rate, phase, (i, due) -> sender.send(from + i, due)).count();
                    next[0] += count;
                    awaitDelivered(flow, next[0]);
                    long[] got = flow.latency.snapshot().micros();
                    samples[where] = concat(samples[where], got);
                    System.out.printf("P5 round %d, consoles on %s: p99 %.2f ms%n", round + 1, replicas.get(where).name,
                            new Percentiles.Sorted(got).p99());
                }
            }
            delivered = flow.receivedCount.get();
            errors = flow.errorSummary();
            sent = next[0];
        } finally {
            BenchRun.stop(replicas);
        }

        Percentiles.Sorted one = sorted(samples[0]);
        Percentiles.Sorted two = sorted(samples[1]);
        double added = two.p99() - one.p99();
        // Saturated, both configurations measure queueing, not the crossing: no verdict then.
        boolean saturated = one.p99() > 50 || two.p99() > 50;
        ScenarioReport r = new ScenarioReport(id(), title());
        r.row("added p99, agent on the other replica", "<= 2 ms at 2,000 msg/s", f(added, 2) + " ms (p99 " + f(two.p99(), 2) + " ms)",
                "p99 " + f(one.p99(), 2) + " ms, same replica", ratio(two.p99(), one.p99()),
                rate >= TARGET_RATE && !saturated ? added <= 2 : null);
        r.row("added p50", "", f(two.p50() - one.p50(), 2) + " ms (p50 " + f(two.p50(), 2) + " ms)",
                "p50 " + f(one.p50(), 2) + " ms", ratio(two.p50(), one.p50()), null);
        // Every message must reach the console wherever it is: a shortfall is a delivery loss, whatever the latency.
        r.row("messages delivered to the consoles", "all", String.format("%,d of %,d", delivered, sent), "", "",
                delivered == sent);
        r.note(String.format("%,d msg/s%s over %,d conversations, visitors on replica A; %d rounds of %d s with the consoles "
                        + "on A and on B, in alternating order, after %d s of warm-up in each. Sent %,d, delivered %,d; errors %s.",
                rate, rateWhy, conversations, rounds, phase.toSeconds(), warmUp.toSeconds(), sent, delivered, errors));
        if (saturated) {
            r.note("Saturated at this rate (p99 over 50 ms): the difference is queueing noise, not the cost of crossing; "
                    + "run P5 at a rate this machine sustains (`-Dbench.p5.rate=`).");
        }
        return r;
    }

    private static void awaitDelivered(Flow flow, long total) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (flow.receivedCount.get() < total && System.nanoTime() < deadline) {
            BenchRun.pause(Duration.ofMillis(50));
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static Percentiles.Sorted sorted(long[] v) {
        long[] copy = v.clone();
        Arrays.sort(copy);
        return new Percentiles.Sorted(copy);
    }
}
