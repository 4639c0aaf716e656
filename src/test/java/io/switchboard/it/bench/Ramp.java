package io.switchboard.it.bench;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stepped open-loop ramp: each step sends at one rate for a fixed time, then waits briefly
 * for the stragglers; the ramp stops at the first step whose p99 is over the limit, that
 * lost or failed a message, or that the generator itself could not send on time. Used alike
 * for the service and for the echo baseline, with the same client code.
 */
final class Ramp {

    /** One step's figures. {@code complete}: every message sent was acked and delivered by the end of the drain. */
    record Step(int rate, double achieved, long sent, long delivered, long errors, double p50, double p99, double max,
                boolean complete, boolean passed) {}

    private final Vertx vertx;
    private final Flow flow;
    private final OpenLoop.Sender sender;
    private final Duration drain;
    private long next;

    Ramp(Vertx vertx, Flow flow, OpenLoop.Sender sender, Duration drain) {
        this.vertx = vertx;
        this.flow = flow;
        this.sender = sender;
        this.drain = drain;
    }

    /** Messages sent so far, warm-up included. */
    long sent() {
        return next;
    }

    /** Unmeasured traffic at the given rate: the JIT, the pools and the caches warm up. */
    void warmUp(int rate, Duration length) {
        step(rate, length, Double.MAX_VALUE);
    }

    /**
     * Steps through the rates until one fails twice in a row (a shared machine has hiccups:
     * one bad step is tried once more); returns every step run, retries included.
     */
    List<Step> climb(List<Integer> rates, Duration stepLength, double p99LimitMs) {
        List<Step> steps = new ArrayList<>();
        for (int rate : rates) {
            Step s = null;
            for (int attempt = 0; attempt < 2 && (s == null || !s.passed()); attempt++) {
                s = step(rate, stepLength, p99LimitMs);
                steps.add(s);
                System.out.printf("  %,6d msg/s: achieved %,.0f, p50 %.1f ms, p99 %.1f ms, delivered %d of %d, errors %d -> %s%n",
                        rate, s.achieved(), s.p50(), s.p99(), s.delivered(), s.sent(), s.errors(), s.passed() ? "ok" : "failed");
            }
            if (!s.passed()) {
                break;
            }
        }
        return steps;
    }

    /** The highest rate that passed; 0 if none did. */
    static int maxSustained(List<Step> steps) {
        return steps.stream().filter(Step::passed).mapToInt(Step::rate).max().orElse(0);
    }

    private Step step(int rate, Duration length, double p99LimitMs) {
        long from = next;
        long errorsBefore = flow.errors.get();
        long deliveredBefore = flow.receivedCount.get();
        flow.latency.reset();
        OpenLoop.Sent sent = OpenLoop.run(vertx, rate, length, (i, due) -> sender.send(from + i, due));
        next = from + sent.count();
        long deadline = System.nanoTime() + drain.toNanos();
        while ((flow.receivedCount.get() < next || flow.ackCount.get() < next) && System.nanoTime() < deadline) {
            BenchRun.pause(Duration.ofMillis(20));
        }
        Percentiles.Sorted lat = flow.latency.snapshot();
        long delivered = flow.receivedCount.get() - deliveredBefore;
        long errors = flow.errors.get() - errorsBefore;
        boolean complete = flow.receivedCount.get() >= next && flow.ackCount.get() >= next;
        // The generator must have kept to the rate (within 5%), or the step measured the client, not the server.
        boolean onTime = sent.rate() >= rate * 0.95;
        boolean passed = complete && errors == 0 && onTime && lat.p99() <= p99LimitMs;
        return new Step(rate, sent.rate(), sent.count(), delivered, errors, lat.p50(), lat.p99(), lat.max(), complete, passed);
    }

    /** The steps as a markdown table. */
    static String table(String title, List<Step> steps) {
        StringBuilder b = new StringBuilder("| " + title + " msg/s | sent at | p50 ms | p99 ms | max ms | delivered / sent | errors | |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (Step s : steps) {
            b.append(String.format("| %,d | %,.0f/s | %.2f | %.2f | %.1f | %,d / %,d | %d | %s |%n", s.rate(), s.achieved(),
                    s.p50(), s.p99(), s.max(), s.delivered(), s.sent(), s.errors(), s.passed() ? "ok" : "failed"));
        }
        return b.toString();
    }
}
