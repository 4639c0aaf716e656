package io.switchboard.event;

/**
 * An event whose transaction committed, with the facts its fan-out needs, and its id in the
 * log when it was recorded for delivery ({@link FanOutTable#announces}): the fan-out marks that
 * id once the frames went out, so the event sweep leaves it alone. 0 when the event has no
 * delivery row (nobody hears of it, or the caller does not know the id).
 */
public record Committed(long id, DomainEvent event, Facts facts) {

    public static Committed of(long id, DomainEvent event, Facts facts) {
        return new Committed(id, event, facts);
    }

    /**
     * An event without a delivery row to mark. For an announced event this means the sweep
     * publishes its frames again after the grace period; callers that recorded it pass its id.
     */
    public static Committed of(DomainEvent event, Facts facts) {
        return new Committed(0, event, facts);
    }

    /** An event nobody hears of by socket: only reactions (the dispatcher's, say) see it. */
    public static Committed of(DomainEvent event) {
        return new Committed(0, event, Facts.NONE);
    }
}
