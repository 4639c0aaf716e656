package io.switchboard.it.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latency samples in microseconds, recorded from event-loop threads without locks: a
 * fixed array and an atomic index. Samples past the capacity are counted but not kept,
 * which only happens when a run is far longer than planned.
 */
final class Percentiles {

    private final long[] values;
    private final AtomicInteger n = new AtomicInteger();

    Percentiles(int capacity) {
        values = new long[Math.max(16, capacity)];
    }

    void add(long micros) {
        int i = n.getAndIncrement();
        if (i < values.length) {
            values[i] = micros;
        }
    }

    int count() {
        return Math.min(n.get(), values.length);
    }

    void reset() {
        n.set(0);
    }

    /** A sorted copy of what was recorded so far, to read percentiles from. */
    Sorted snapshot() {
        long[] v = Arrays.copyOf(values, count());
        Arrays.sort(v);
        return new Sorted(v);
    }

    /** Percentiles of one snapshot, in milliseconds. */
    record Sorted(long[] micros) {
        int count() {
            return micros.length;
        }

        /** The p-quantile (0 < p <= 1) in milliseconds, nearest-rank; NaN without samples. */
        double ms(double p) {
            if (micros.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p * micros.length) - 1;
            return micros[Math.max(0, Math.min(micros.length - 1, rank))] / 1000.0;
        }

        double p50() {
            return ms(.5);
        }

        double p99() {
            return ms(.99);
        }

        double p999() {
            return ms(.999);
        }

        double max() {
            return ms(1);
        }
    }
}
