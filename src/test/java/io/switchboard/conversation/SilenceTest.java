package io.switchboard.conversation;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** When the silence timers (B6) fall due, from the rows alone: the rule that rebuilds and re-checks them. */
class SilenceTest {

    private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration FIVE = Duration.ofMinutes(5);

    private static Instant at(int minutes) {
        return T.plus(Duration.ofMinutes(minutes));
    }

    private static Silence.Facts open(Instant assigned, Instant visitor, Instant agent, Instant firstUnanswered) {
        return new Silence.Facts("open", assigned, visitor, agent, firstUnanswered);
    }

    @Test
    void aVisitorsSilenceCountsFromTheirLastMessage() {
        assertThat(Silence.closeDueAt(open(at(0), at(3), null, null), FIVE)).isEqualTo(at(8));
    }

    @Test
    void waitingInTheQueueIsNotSilenceTheClockStartsAtTheAssignment() {
        assertThat(Silence.closeDueAt(open(at(10), at(0), null, null), FIVE)).isEqualTo(at(15));
    }

    @Test
    void onlyOpenConversationsCloseOrReassign() {
        Silence.Facts queued = new Silence.Facts("queued", null, at(0), null, null);
        Silence.Facts closed = new Silence.Facts("closed", at(0), at(0), null, null);
        assertThat(Silence.closeDueAt(queued, FIVE)).isNull();
        assertThat(Silence.closeDueAt(closed, FIVE)).isNull();
        assertThat(Silence.reassignDueAt(queued, FIVE)).isNull();
        assertThat(Silence.reassignDueAt(closed, FIVE)).isNull();
    }

    @Test
    void anAgentWhoSaidNothingSinceTheAssignmentOwesAReplyFromIt() {
        assertThat(Silence.reassignDueAt(open(at(2), at(1), null, null), FIVE)).isEqualTo(at(7));
        // A reply before this assignment (to someone else's conversation turn) does not count.
        assertThat(Silence.reassignDueAt(open(at(2), at(1), at(1), null), FIVE)).isEqualTo(at(7));
    }

    @Test
    void anAnsweredVisitorIsOwedNothing() {
        assertThat(Silence.reassignDueAt(open(at(0), at(1), at(2), null), FIVE)).isNull();
    }

    @Test
    void aReplyIsOwedFromTheFirstUnansweredVisitorMessage() {
        assertThat(Silence.reassignDueAt(open(at(0), at(9), at(2), at(4)), FIVE)).isEqualTo(at(9));
        // Without the first one, the last one: late rather than early.
        assertThat(Silence.reassignDueAt(open(at(0), at(9), at(2), null), FIVE)).isEqualTo(at(14));
    }

    @Test
    void aStaleDeadlineLooksAgainInsteadOfFiring() {
        Silence.Verdict early = Silence.judge(at(8), at(6));
        assertThat(early.fire()).isFalse();
        assertThat(early.later()).isTrue();
        assertThat(early.dueAt()).isEqualTo(at(8));

        Silence.Verdict due = Silence.judge(at(8), at(8));
        assertThat(due.fire()).isTrue();

        Silence.Verdict none = Silence.judge(null, at(8));
        assertThat(none.fire()).isFalse();
        assertThat(none.later()).isFalse();
    }
}
