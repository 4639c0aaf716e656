package io.switchboard.event;

/** An event whose transaction committed, with the facts its fan-out needs. */
public record Committed(DomainEvent event, Facts facts) {

    public static Committed of(DomainEvent event, Facts facts) {
        return new Committed(event, facts);
    }

    /** An event nobody hears of by socket: only reactions (the dispatcher's, say) see it. */
    public static Committed of(DomainEvent event) {
        return new Committed(event, Facts.NONE);
    }
}
