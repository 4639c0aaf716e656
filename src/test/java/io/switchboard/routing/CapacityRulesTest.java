package io.switchboard.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.switchboard.routing.Agents.full;
import static io.switchboard.routing.Agents.offline;
import static io.switchboard.routing.Agents.onBreak;
import static io.switchboard.routing.Agents.online;
import static io.switchboard.routing.AssignmentKind.AUTOMATIC;
import static io.switchboard.routing.AssignmentKind.MANUAL;
import static io.switchboard.routing.AssignmentKind.TRANSFER;
import static io.switchboard.routing.CapacityRules.mayAssign;
import static io.switchboard.routing.CapacityRules.reviewLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CapacityRulesTest {

    @Test
    void automaticAssignmentOnlyBelowTheLimit() {
        assertThat(mayAssign(online("a", 4, 5), AUTOMATIC)).isTrue();
        assertThat(mayAssign(online("a", 5, 5), AUTOMATIC)).isFalse();
        assertThat(mayAssign(online("a", 6, 5), AUTOMATIC)).isFalse();
    }

    @Test
    void automaticAssignmentOnlyToOnlineAgents() {
        assertThat(mayAssign(onBreak("a"), AUTOMATIC)).isFalse();
        assertThat(mayAssign(offline("a"), AUTOMATIC)).isFalse();
    }

    @Test
    void manualPickUpMayExceedTheLimit() {
        assertThat(mayAssign(full("a"), MANUAL)).isTrue();
        assertThat(mayAssign(online("a", 9, 5), MANUAL)).isTrue();
    }

    @Test
    void transfersMayExceedTheLimitAndTargetOnlineOrBreakAgents() {
        assertThat(mayAssign(full("a"), TRANSFER)).isTrue();
        assertThat(mayAssign(onBreak("a"), TRANSFER)).isTrue();
    }

    @Test
    void nothingEverGoesToAnOfflineAgent() {
        for (AssignmentKind kind : AssignmentKind.values()) {
            assertThat(mayAssign(offline("a"), kind)).as(kind.name()).isFalse();
        }
    }

    @Test
    void anAgentAtTheLimitShowsBusy() {
        assertThat(full("a").atLimit()).isTrue();
        assertThat(online("a", 4, 5).atLimit()).isFalse();
    }

    @Test
    void aLimitWithinRangeAndAboveLoadHasNoWarnings() {
        LimitReview review = reviewLimit(10, 3);
        assertThat(review.warnings()).isEmpty();
        assertThat(review.holdsAssignments()).isFalse();
    }

    @Test
    void loweringTheLimitBelowTheLoadWarnsAndHoldsAssignmentsUntilLoadFallsUnderIt() {
        LimitReview review = reviewLimit(6, 8);
        assertThat(review.warnings()).containsExactly(LimitReview.Warning.BELOW_CURRENT_LOAD);
        assertThat(review.holdsAssignments()).isTrue();
        assertThat(review.toFinishBeforeResuming()).isEqualTo(3);
    }

    @Test
    void aLimitEqualToTheLoadHoldsAssignmentsWithoutTheBelowLoadWarning() {
        LimitReview review = reviewLimit(8, 8);
        assertThat(review.warnings()).isEmpty();
        assertThat(review.holdsAssignments()).isTrue();
        assertThat(review.toFinishBeforeResuming()).isEqualTo(1);
    }

    @Test
    void aLimitBelowFiveIsAllowedWithAWarning() {
        assertThat(reviewLimit(4, 0).warnings()).containsExactly(LimitReview.Warning.LOW_LIMIT);
        assertThat(reviewLimit(5, 0).warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 201})
    void aLimitOutsideOneToTwoHundredIsRefused(int limit) {
        assertThatIllegalArgumentException().isThrownBy(() -> reviewLimit(limit, 0)).withMessageContaining("between 1 and 200");
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        assertThat(reviewLimit(1, 0).limit()).isEqualTo(1);
        assertThat(reviewLimit(200, 0).limit()).isEqualTo(200);
    }
}
