package io.switchboard.routing.live;

import io.switchboard.routing.live.LoadDrift.Correction;
import io.switchboard.routing.live.LoadDrift.Reading;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which live loads the reconciler corrects, and by how much: only Redis off in the same
 * direction at two checks, never one reading, by the settled difference.
 */
class LoadDriftTest {

    private static final long APART = 2_000;
    private final LoadDrift drift = new LoadDrift(APART);

    private static Reading r(String agent, Integer live, long open) {
        return new Reading(agent, live, open, "g1");
    }

    private static Correction by(String agent, int by) {
        return new Correction(agent, "g1", by);
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
    void theSameDifferenceAtTwoChecksIsCorrectedByThatDifference() {
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 1, 2)), 0)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 1, 2)), 5_000))
                .containsExactlyInAnyOrder(by("a", -1), by("b", 1));
    }

    /**
     * The interleaving that left a drift uncorrected for good: an agent Redis counts short
     * (1 of 3) looks free, so the queue sweep, firing in the same scheduler tick as the check,
     * reserves them in Redis (2) until PostgreSQL refuses and the unit is given back (1). The
     * checks read 2, then 1, then 2...: never the same difference twice, and a correction to the
     * value read lost its compare-and-set to the next reservation.
     */
    @Test
    void aReservationInFlightAtOneLookStillCorrectsTheSettledDifference() {
        assertThat(drift.check(List.of(r("a", 2, 3)), 0)).isEmpty();
        assertThat(drift.check(List.of(r("a", 1, 3)), 5_000)).containsExactly(by("a", 2));

        LoadDrift other = new LoadDrift(APART);
        other.check(List.of(r("a", 1, 3)), 0);
        assertThat(other.check(List.of(r("a", 2, 3)), 5_000)).as("in flight at the second look").containsExactly(by("a", 2));
    }

    @Test
    void anOvercountIsCorrectedByItsSmallestDifference() {
        // A close committed in PostgreSQL and not yet given back in Redis reads one higher.
        drift.check(List.of(r("a", 5, 3)), 0);
        assertThat(drift.check(List.of(r("a", 4, 3)), 5_000)).containsExactly(by("a", -1));
    }

    @Test
    void aDifferenceThatChangedDirectionIsWatchedAnew() {
        drift.check(List.of(r("a", 4, 3)), 0);
        assertThat(drift.check(List.of(r("a", 2, 3)), 5_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 2, 3)), 10_000)).containsExactly(by("a", 1));
    }

    @Test
    void aHashSeededOrCorrectedSinceIsWatchedAnew() {
        drift.check(List.of(r("a", 1, 3)), 0);
        assertThat(drift.check(List.of(new Reading("a", 1, 3, "g2")), 5_000)).isEmpty();
        assertThat(drift.check(List.of(new Reading("a", 1, 3, "g2")), 10_000)).containsExactly(new Correction("a", "g2", 2));
    }

    @Test
    void aDifferenceThatWentAwayStartsOver() {
        drift.check(List.of(r("a", 4, 3)), 0);
        assertThat(drift.check(List.of(r("a", 3, 3)), 5_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3)), 10_000)).as("first sighting again").isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3)), 15_000)).containsExactly(by("a", -1));
    }

    @Test
    void checksTooCloseTogetherAreNotASecondLook() {
        drift.check(List.of(r("a", 4, 3)), 0);
        assertThat(drift.check(List.of(r("a", 4, 3)), APART - 1)).isEmpty();
        // The difference is still dated from its first sighting.
        assertThat(drift.check(List.of(r("a", 4, 3)), APART)).containsExactly(by("a", -1));
    }

    @Test
    void missingHashesAndVanishedAgentsAreForgotten() {
        drift.check(List.of(r("a", 4, 3), r("b", 2, 0)), 0);
        // a's hash is gone (Redis lost it: seeding is another job); b is no longer read at all.
        assertThat(drift.check(List.of(r("a", null, 3)), 5_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 2, 0)), 10_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3), r("b", 2, 0)), 15_000))
                .containsExactlyInAnyOrder(by("a", -1), by("b", -2));
    }

    @Test
    void aCorrectionIsAnsweredOnceThenWatchedAgain() {
        drift.check(List.of(r("a", 4, 3)), 0);
        assertThat(drift.check(List.of(r("a", 4, 3)), 5_000)).hasSize(1);
        // Another replica corrected first (same generation read): two more checks before trying again.
        assertThat(drift.check(List.of(r("a", 4, 3)), 10_000)).isEmpty();
        assertThat(drift.check(List.of(r("a", 4, 3)), 15_000)).hasSize(1);
    }
}
