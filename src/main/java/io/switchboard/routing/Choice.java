package io.switchboard.routing;

import java.util.Objects;

/**
 * A strategy's pick and why it was made, kept for the transcript. When a strategy falls back
 * to another, {@code strategy} names the one that actually chose and {@code reason} says why
 * the first could not.
 *
 * @param strategy   name of the strategy that made the pick
 * @param reason     a short plain-English explanation with the figures that decided
 * @param nextCursor the round-robin position to store after this pick; null when the pick does
 *                   not move the rotation (only round robin moves it)
 */
public record Choice(Candidate agent, String strategy, String reason, String nextCursor) {

    public Choice {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(reason, "reason");
    }

    public Choice(Candidate agent, String strategy, String reason) {
        this(agent, strategy, reason, null);
    }

    /** The same pick, with a note in front of the reason (why an earlier preference did not apply). */
    Choice after(String note) {
        return new Choice(agent, strategy, note + "; " + reason, nextCursor);
    }
}
