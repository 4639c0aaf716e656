package io.switchboard.routing.live;

import io.switchboard.routing.live.SettingDrift.Correction;
import io.switchboard.routing.live.SettingDrift.Reading;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchboard.routing.live.SettingDrift.Setting.MAX;
import static io.switchboard.routing.live.SettingDrift.Setting.STATUS;
import static org.assertj.core.api.Assertions.assertThat;

/** Which live statuses and limits the reconciler sets back to PostgreSQL's: only a disagreement that persists. */
class SettingDriftTest {

    private static final long APART = 2_000;
    private final SettingDrift drift = new SettingDrift(APART);

    @Test
    void agreeingSettingsNeedNothing() {
        List<Reading> same = List.of(new Reading("a", STATUS, "online", "online"), new Reading("a", MAX, "5", "5"));
        assertThat(drift.check(same, 0)).isEmpty();
        assertThat(drift.check(same, 5_000)).isEmpty();
    }

    @Test
    void oneReadingIsNeverCorrected() {
        // A status change committed in PostgreSQL and not yet copied to Redis.
        assertThat(drift.check(List.of(new Reading("a", STATUS, "online", "break")), 0)).isEmpty();
    }

    @Test
    void theSameDisagreementAtTwoChecksIsSetToPostgresValue() {
        List<Reading> wrong = List.of(new Reading("a", STATUS, "offline", "online"), new Reading("b", MAX, "1", "3"));
        assertThat(drift.check(wrong, 0)).isEmpty();
        assertThat(drift.check(wrong, 5_000)).containsExactly(
                new Correction("a", STATUS, "offline", "online"), new Correction("b", MAX, "1", "3"));
    }

    @Test
    void aSecondLookTooSoonDoesNotCountButKeepsTheFirstSighting() {
        List<Reading> wrong = List.of(new Reading("a", STATUS, "offline", "online"));
        drift.check(wrong, 0);
        assertThat(drift.check(wrong, 500)).as("500 ms later").isEmpty();
        assertThat(drift.check(wrong, 2_000)).containsExactly(new Correction("a", STATUS, "offline", "online"));
    }

    @Test
    void aDisagreementThatChangedIsWatchedAnew() {
        // Two changes in a row: the second look must see the same pair of values, not just some difference.
        drift.check(List.of(new Reading("a", STATUS, "online", "break")), 0);
        assertThat(drift.check(List.of(new Reading("a", STATUS, "online", "offline")), 5_000)).isEmpty();
        assertThat(drift.check(List.of(new Reading("a", STATUS, "online", "offline")), 10_000))
                .containsExactly(new Correction("a", STATUS, "online", "offline"));
    }

    @Test
    void aDisagreementThatWentAwayStartsOver() {
        drift.check(List.of(new Reading("a", MAX, "2", "4")), 0);
        assertThat(drift.check(List.of(new Reading("a", MAX, "4", "4")), 5_000)).isEmpty();
        assertThat(drift.check(List.of(new Reading("a", MAX, "2", "4")), 10_000)).as("first sighting again").isEmpty();
    }

    @Test
    void eachSettingOfAnAgentIsJudgedOnItsOwn() {
        drift.check(List.of(new Reading("a", STATUS, "offline", "online"), new Reading("a", MAX, "1", "3")), 0);
        // The limit was put right meanwhile; the status was not.
        assertThat(drift.check(List.of(new Reading("a", STATUS, "offline", "online"), new Reading("a", MAX, "3", "3")), 5_000))
                .containsExactly(new Correction("a", STATUS, "offline", "online"));
    }

    @Test
    void anAgentWithoutALiveHashIsLeftToSeeding() {
        List<Reading> missing = List.of(new Reading("a", STATUS, null, "online"));
        drift.check(missing, 0);
        assertThat(drift.check(missing, 5_000)).isEmpty();
    }
}
