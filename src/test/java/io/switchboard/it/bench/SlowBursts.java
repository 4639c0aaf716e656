package io.switchboard.it.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a run's slow messages are spread over time: a p99 made of slow messages scattered through
 * the run points at the message path; one made of bursts, all messages sent during a few
 * tens of milliseconds slow together, points at something stalling the whole machine or
 * process (a collector, a disk flush). Messages are numbered in send order at a fixed rate,
 * so a message's number gives its send time.
 *
 * @param slow messages over the threshold
 * @param bursts groups of slow messages sent less than {@link #GAP_MILLIS} apart
 * @param medianGapMillis median time from one burst's start to the next's; 0 with fewer than two
 */
record SlowBursts(long slow, int bursts, long medianGapMillis) {

    /** Slow messages sent closer together than this belong to one burst. */
    static final long GAP_MILLIS = 100;

    /**
     * @param latencyMicros latency by message number, 0 where none was recorded
     * @param from first message of the measured part
     * @param count messages in the measured part
     */
    static SlowBursts of(long[] latencyMicros, long from, long count, int rate, long thresholdMicros) {
        long slow = 0;
        List<Long> starts = new ArrayList<>();
        long lastSlowAt = Long.MIN_VALUE;
        long end = Math.min(latencyMicros.length, from + count);
        for (long i = from; i < end; i++) {
            if (latencyMicros[(int) i] <= thresholdMicros) {
                continue;
            }
            slow++;
            long sentAt = (i - from) * 1000 / rate;
            if (lastSlowAt == Long.MIN_VALUE || sentAt - lastSlowAt >= GAP_MILLIS) {
                starts.add(sentAt);
            }
            lastSlowAt = sentAt;
        }
        long median = 0;
        if (starts.size() >= 2) {
            long[] gaps = new long[starts.size() - 1];
            for (int k = 1; k < starts.size(); k++) {
                gaps[k - 1] = starts.get(k) - starts.get(k - 1);
            }
            Arrays.sort(gaps);
            median = gaps[gaps.length / 2];
        }
        return new SlowBursts(slow, starts.size(), median);
    }

    String describe(long count) {
        return String.format("%,d (%.2f %%) in %d bursts%s", slow, count == 0 ? 0 : 100.0 * slow / count, bursts,
                bursts >= 2 ? String.format(", a burst every %.2f s (median)", medianGapMillis / 1000.0) : "");
    }
}
