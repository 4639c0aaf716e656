package io.switchboard.it.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's account of when P3's slow messages were sent. */
class SlowBurstsTest {

    @Test
    void slowMessagesSentCloseTogetherMakeOneBurstAndBurstsAreTimedByTheirStarts() {
        // 1,000 msg/s: message i is sent at i ms. Slow at 100-129 ms and 650-659 ms, and 1,200 ms.
        long[] latency = new long[2_000];
        java.util.Arrays.fill(latency, 2_000);
        for (int i = 100; i < 130; i++) {
            latency[i] = 30_000;
        }
        for (int i = 650; i < 660; i += 3) {
            latency[i] = 20_000;
        }
        latency[1_200] = 16_000;
        SlowBursts b = SlowBursts.of(latency, 0, 2_000, 1_000, 15_000);
        assertThat(b.slow()).isEqualTo(30 + 4 + 1);
        assertThat(b.bursts()).isEqualTo(3);
        assertThat(b.medianGapMillis()).isEqualTo(550); // gaps 550 and 550
    }

    @Test
    void onlyTheMeasuredPartCountsAndItsFirstMessageIsTimeZero() {
        long[] latency = new long[3_000];
        latency[10] = 99_000; // warm-up, before the measured part
        latency[1_500] = 20_000;
        latency[1_900] = 20_000;
        SlowBursts b = SlowBursts.of(latency, 1_000, 2_000, 1_000, 15_000);
        assertThat(b.slow()).isEqualTo(2);
        assertThat(b.bursts()).isEqualTo(2);
        assertThat(b.medianGapMillis()).isEqualTo(400);
    }

    @Test
    void aRunWithoutSlowMessagesHasNoBursts() {
        SlowBursts b = SlowBursts.of(new long[100], 0, 100, 1_000, 15_000);
        assertThat(b).isEqualTo(new SlowBursts(0, 0, 0));
        assertThat(b.describe(100)).startsWith("0 (0.00 %) in 0 bursts");
    }
}
