package io.switchboard.routing.live;

import io.switchboard.routing.live.LoadDrift.Correction;
import io.switchboard.routing.live.LoadDrift.Reading;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which live loads the reconciler corrects: only a difference that persists, never one reading. */
class LoadDriftTest {

    private static final long APART = 2_000;
    private final LoadDrift drift = new LoadDrift(APART);

    private static Reading r(String agent, Integer live, long open) {
        return new Reading(agent, live, open);
    }

    @Test
    void agreeingFiguresNeedNothing() {
        assertThat(drift.check(List.of(r("a", 3, 3), r("b", 0, 0)), 0)).isEmpty();
        assertThat(drift.check(List.of(r("a", 3, 3), r("b", 0, 0)), 5_000)).isEmpty();
    }

    @Test
    void oneReadingIsNeverCorrected() {
        // A claim reserved in Redis, not yet committed in PostgreSQL: legitimately one more.
        assertThat(drift.check(List.of(r("a", 4, 3)), 0)).isEmpty();
    }

    @Test
    void theSameDifferenceAtTwoChecksIsCorrectedToPostgresCount() {
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 1, 2)), 0)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 1, 2)), 5_000))
                .containsExactlyInAnyOrder(new Correction("a", 4, 3), new Correction("b", 1, 2));
    }

    @Test
    void theCorrectionIsKeyedOnTheLoadReadNow() {
        // Both figures moved by one (an assignment committed) but the difference stayed: correct from what is read now.
        drift.check(List.of(r("a", 2, 0)), 0);
        assertThat(drift.check(List.of(r("a", 3, 1)), 5_000)).containsExactly(new Correction("a", 3, 1));
    }

    @Test
    void aDifferenceThatWentAwayStartsOver() {
        drift.check(List.of(r("a", 4, 3)), 0);
        assertThat(drift.check(List.of(r("a", 3, 3)), 5_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3)), 10_000)).as("first sighting again").isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3)), 15_000)).containsExactly(new Correction("a", 4, 3));
    }

    @Test
    void aChangedDifferenceIsWatchedAnew() {
        drift.check(List.of(r("a", 5, 3)), 0);
        assertThat(drift.check(List.of(r("a", 4, 3)), 5_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3)), 10_000)).containsExactly(new Correction("a", 4, 3));
    }

    @Test
    void checksTooCloseTogetherAreNotASecondLook() {
        drift.check(List.of(r("a", 4, 3)), 0);
        assertThat(drift.check(List.of(r("a", 4, 3)), APART - 1)).isEmpty();
        // The difference is still dated from its first sighting.
        assertThat(drift.check(List.of(r("a", 4, 3)), APART)).containsExactly(new Correction("a", 4, 3));
    }

    @Test
    void missingHashesAndVanishedAgentsAreForgotten() {
        drift.check(List.of(r("a", 4, 3), r("b", 2, 0)), 0);
        // a's hash is gone (Redis lost it: seeding is another job); b is no longer read at all.
        assertThat(drift.check(List.of(r("a", null, 3)), 5_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 2, 0)), 10_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 2, 0)), 15_000))
                .containsExactlyInAnyOrder(new Correction("a", 4, 3), new Correction("b", 2, 0));
    }

    @Test
    void aCorrectionIsAnsweredOnceThenWatchedAgain() {
        drift.check(List.of(r("a", 4, 3)), 0);
        assertThat(drift.check(List.of(r("a", 4, 3)), 5_000)).hasSize(1);
        // The compare-and-set lost to a claim and the figures still differ: two more checks before trying again.
        assertThat(drift.check(List.of(r("a", 4, 3)), 10_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3)), 15_000)).hasSize(1);
    }
}
