package io.switchboard.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBucketLetsTheBurstThroughThenRefuses() {
        TokenBucket bucket = new TokenBucket(5, 3, 0);
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isFalse();
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        TokenBucket bucket = new TokenBucket(5, 1, 0);
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(SECOND / 5 - 1)).as("just before a fifth of a second").isFalse();
        assertThat(bucket.tryTake(SECOND / 5)).isTrue();
    }

    @Test
    void aLongIdleNeverBanksMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(10, 2, 0);
        long later = 3600 * SECOND;
        assertThat(bucket.tryTake(later)).isTrue();
        assertThat(bucket.tryTake(later)).isTrue();
        assertThat(bucket.tryTake(later)).isFalse();
    }

    @Test
    void refusedAttemptsDoNotDrainTheBucketFurther() {
        TokenBucket bucket = new TokenBucket(1, 1, 0);
        bucket.tryTake(0);
        for (int i = 0; i < 100; i++) {
            assertThat(bucket.tryTake(SECOND / 2)).isFalse();
        }
        assertThat(bucket.tryTake(SECOND)).as("one second after the last success").isTrue();
    }

    @Test
    void tellsHowLongUntilTheNextToken() {
        TokenBucket bucket = new TokenBucket(4, 1, 0);
        assertThat(bucket.nanosUntilNext(0)).isZero();
        bucket.tryTake(0);
        assertThat(bucket.nanosUntilNext(0)).isEqualTo(SECOND / 4);
        assertThat(bucket.nanosUntilNext(SECOND / 8)).isEqualTo(SECOND / 8);
    }

    @Test
    void aClockGoingBackwardsGrantsNothing() {
        TokenBucket bucket = new TokenBucket(1, 1, 10 * SECOND);
        bucket.tryTake(10 * SECOND);
        assertThat(bucket.tryTake(0)).isFalse();
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
