package io.switchboard.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a token's session epoch is judged, and how two views of a user merge (plain unit test). */
class SessionEpochTest {

    @Test
    void aTokenOfTheCurrentEpochIsCurrentAnOlderOneStaleANewerOneAhead() {
        SessionEpoch known = SessionEpoch.of(3);
        assertThat(known.judge(3)).isEqualTo(SessionEpoch.Verdict.CURRENT);
        assertThat(known.judge(2)).isEqualTo(SessionEpoch.Verdict.STALE);
        assertThat(known.judge(0)).isEqualTo(SessionEpoch.Verdict.STALE);
        assertThat(known.judge(Long.MIN_VALUE)).isEqualTo(SessionEpoch.Verdict.STALE);
        assertThat(known.judge(4)).isEqualTo(SessionEpoch.Verdict.AHEAD);
    }

    @Test
    void everyTokenOfARemovedUserIsStale() {
        assertThat(SessionEpoch.REMOVED.judge(0)).isEqualTo(SessionEpoch.Verdict.STALE);
        assertThat(SessionEpoch.REMOVED.judge(Long.MAX_VALUE)).isEqualTo(SessionEpoch.Verdict.STALE);
    }

    @Test
    void viewsMergeIntoTheNewerWhateverTheOrderAndRemovalWins() {
        assertThat(SessionEpoch.of(1).newer(SessionEpoch.of(2))).isEqualTo(SessionEpoch.of(2));
        assertThat(SessionEpoch.of(2).newer(SessionEpoch.of(1))).isEqualTo(SessionEpoch.of(2));
        assertThat(SessionEpoch.of(7).newer(SessionEpoch.REMOVED)).isEqualTo(SessionEpoch.REMOVED);
        assertThat(SessionEpoch.REMOVED.newer(SessionEpoch.of(9))).isEqualTo(SessionEpoch.REMOVED);
        assertThat(SessionEpoch.of(5).newer(null)).isEqualTo(SessionEpoch.of(5));
    }

    @Test
    void theWireFormReadsBackAndRefusesGarbage() {
        assertThat(SessionEpoch.parse(SessionEpoch.of(12).wire())).isEqualTo(SessionEpoch.of(12));
        assertThat(SessionEpoch.parse(SessionEpoch.REMOVED.wire())).isEqualTo(SessionEpoch.REMOVED);
        assertThat(SessionEpoch.parse("-1")).isNull();
        assertThat(SessionEpoch.parse("x")).isNull();
        assertThat(SessionEpoch.parse("")).isNull();
    }
}
