package io.switchboard.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-account login rule, without Redis. */
class AccountLockoutTest {

    private static final long WINDOW = 15 * 60_000;

    @Test
    void loginsAreCheckedUntilTheFailuresReachTheLimit() {
        assertThat(AccountLockout.decide(0, -2, 3, WINDOW).allowed()).isTrue();
        assertThat(AccountLockout.decide(2, 60_000, 3, WINDOW).allowed()).isTrue();
        FixedWindow.Decision locked = AccountLockout.decide(3, 60_000, 3, WINDOW);
        assertThat(locked.allowed()).isFalse();
        assertThat(locked.retryAfterSeconds()).isEqualTo(60);
    }

    @Test
    void retryAfterRoundsUpAndIsNeverZero() {
        assertThat(AccountLockout.decide(5, 1_001, 3, WINDOW).retryAfterSeconds()).isEqualTo(2);
        assertThat(AccountLockout.decide(5, 1, 3, WINDOW).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void aCounterWithoutExpiryLocksForAWholeWindow() {
        assertThat(AccountLockout.decide(5, -1, 3, WINDOW).retryAfterSeconds()).isEqualTo(WINDOW / 1000);
    }

    @Test
    void spellingsOfOneEmailAreOneAccountAndTheKeyHoldsNoAddress() {
        String account = AccountLockout.accountOf("Agent@Example.test");
        assertThat(AccountLockout.accountOf("  agent@example.TEST ")).isEqualTo(account);
        assertThat(AccountLockout.accountOf("other@example.test")).isNotEqualTo(account);
        assertThat(account).hasSize(64).doesNotContain("example");
    }
}
