package io.switchboard.conversation;

import java.time.Duration;
import java.time.Instant;

/**
 * When the silence timers (B6) of a conversation fall due, from what PostgreSQL keeps of it:
 * its state, when it was assigned, and when the visitor and the agent last wrote. Pure, so the
 * same rule sets a deadline as things happen, rebuilds it after Redis lost it, and re-checks it
 * under the conversation's row lock when it fires: Redis only remembers when to look.
 *
 * <ul>
 * <li><b>Auto-close</b> waits on the visitor: an open conversation closes when the visitor has
 * not written for the silence since their last message or since the conversation was assigned,
 * whichever is later (a visitor who waited in the queue was not silent towards anyone).</li>
 * <li><b>Auto-reassign</b> waits on the agent: a reply is owed from the assignment, or from the
 * first visitor message after the agent's last reply; it falls due the silence after that.</li>
 * </ul>
 */
public final class Silence {

    private Silence() {}

    /** One conversation as the timers see it; times null when it never happened. */
    public record Facts(String state, Instant assignedAt, Instant lastVisitorAt, Instant lastAgentAt,
                        Instant firstUnansweredVisitorAt) {

        boolean open() {
            return "open".equals(state);
        }
    }

    /** What a timer should do now: fire, look again at {@code dueAt}, or nothing (no timer runs). */
    public record Verdict(boolean fire, Instant dueAt) {

        static final Verdict NONE = new Verdict(false, null);

        /** Whether a deadline remains, to be set again at {@link #dueAt}. */
        public boolean later() {
            return !fire && dueAt != null;
        }
    }

    /** When the visitor's silence closes the conversation; null when no auto-close runs. */
    public static Instant closeDueAt(Facts c, Duration silence) {
        if (!c.open()) {
            return null;
        }
        Instant since = latest(c.lastVisitorAt(), c.assignedAt());
        return since == null ? null : since.plus(silence);
    }

    /**
     * Since when the agent owes a reply; null when they owe none (not open, or they answered
     * the visitor's last message).
     */
    public static Instant replyOwedSince(Facts c) {
        if (!c.open() || c.assignedAt() == null) {
            return null;
        }
        Instant agent = c.lastAgentAt();
        if (agent == null || agent.isBefore(c.assignedAt())) {
            // Nothing said since they got it: the clock runs from the assignment.
            return c.assignedAt();
        }
        if (c.lastVisitorAt() == null || !c.lastVisitorAt().isAfter(agent)) {
            return null;
        }
        // Without the first unanswered message, the last one is a safe stand-in: later, never early.
        return c.firstUnansweredVisitorAt() != null ? c.firstUnansweredVisitorAt() : c.lastVisitorAt();
    }

    /** When the agent's silence hands the conversation to another; null when no auto-reassign runs. */
    public static Instant reassignDueAt(Facts c, Duration silence) {
        Instant owed = replyOwedSince(c);
        return owed == null ? null : owed.plus(silence);
    }

    /** Whether a firing at {@code now} acts, or when to look again. */
    public static Verdict judge(Instant dueAt, Instant now) {
        if (dueAt == null) {
            return Verdict.NONE;
        }
        return dueAt.isAfter(now) ? new Verdict(false, dueAt) : new Verdict(true, dueAt);
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
