package io.switchboard.it.bench;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Sends at a fixed rate whatever the answers do (open loop), so a slow server shows as
 * latency instead of slowing the load down. Message i is due at {@code start + i / rate};
 * its latency is measured from that due time, not from when the timer got round to it, so
 * a stalled generator or server cannot hide its own stall (coordinated omission).
 */
final class OpenLoop {

    private OpenLoop() {}

    /** What one run sent. */
    record Sent(long count, long startNanos, double seconds) {
        double rate() {
            return count / seconds;
        }
    }

    /** The consumer gets the message number and its due time (System.nanoTime()). */
    interface Sender {
        void send(long i, long dueNanos);
    }

    static Sent run(Vertx vertx, int rate, Duration length, Sender sender) {
        long total = rate * length.toSeconds();
        long start = System.nanoTime();
        long[] sent = {0};
        CompletableFuture<Void> done = new CompletableFuture<>();
        // A 1 ms timer sends whatever has fallen due since the last tick.
        vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
            while (sent[0] < due) {
                long i = sent[0]++;
                sender.send(i, start + i * 1_000_000_000L / rate);
            }
            if (sent[0] >= total) {
                vertx.cancelTimer(id);
                done.complete(null);
            }
        });
        try {
            done.get(length.toSeconds() + 60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the generator stalled", e);
        }
        return new Sent(total, start, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Sends at the rate in the background until {@code keepGoing} turns false: for storms and
     * soaks, which run for as long as something else takes. Completes with the number sent.
     */
    static CompletableFuture<Long> background(Vertx vertx, int rate, BooleanSupplier keepGoing, LongConsumer sender) {
        long start = System.nanoTime();
        long[] sent = {0};
        CompletableFuture<Long> done = new CompletableFuture<>();
        vertx.setPeriodic(1, id -> {
            if (!keepGoing.getAsBoolean()) {
                vertx.cancelTimer(id);
                done.complete(sent[0]);
                return;
            }
            long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
            while (sent[0] < due) {
                sender.accept(sent[0]++);
            }
        });
        return done;
    }
}
