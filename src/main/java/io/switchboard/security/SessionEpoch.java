package io.switchboard.security;

/**
 * What PostgreSQL says of a staff user's sessions: the current epoch, or that the user is
 * removed. Epochs only grow and a removal is final, so two views of the same user merge
 * into the newer one whatever order they arrive in (a lookup that started before an
 * invalidation and finished after it cannot bring back the older value).
 */
public record SessionEpoch(long epoch, boolean removed) {

    /** How a token's epoch compares with what is known of its user. */
    public enum Verdict {
        /** The token belongs to the current session. */
        CURRENT,
        /** The token was issued before a removal, password or role change: refuse it. */
        STALE,
        /** The token is newer than this view: the view is out of date, ask PostgreSQL. */
        AHEAD
    }

    public static final SessionEpoch REMOVED = new SessionEpoch(Long.MAX_VALUE, true);

    public static SessionEpoch of(long epoch) {
        return new SessionEpoch(epoch, false);
    }

    public SessionEpoch newer(SessionEpoch other) {
        if (other == null) {
            return this;
        }
        if (removed || other.removed) {
            return REMOVED;
        }
        return epoch >= other.epoch ? this : other;
    }

    public Verdict judge(long tokenEpoch) {
        if (removed || tokenEpoch < epoch) {
            return Verdict.STALE;
        }
        return tokenEpoch == epoch ? Verdict.CURRENT : Verdict.AHEAD;
    }

    /** The pub/sub form: {@code removed} or the epoch in decimal. */
    public String wire() {
        return removed ? "removed" : Long.toString(epoch);
    }

    /** Reads {@link #wire()}; null when it is not one. */
    public static SessionEpoch parse(String wire) {
        if ("removed".equals(wire)) {
            return REMOVED;
        }
        try {
            long e = Long.parseLong(wire);
            return e < 0 ? null : of(e);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
