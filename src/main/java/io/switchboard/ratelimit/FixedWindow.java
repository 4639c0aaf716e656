package io.switchboard.ratelimit;

/**
 * The per-address rule shared by all replicas: attempts are counted in fixed windows
 * (one Redis counter per address and window, see {@link AddressLimiter}); the attempt that
 * takes a window's count past the limit is refused until the window ends. Fixed windows
 * may let through up to twice the limit across a window boundary: acceptable for a flood
 * guard, and it costs one INCR per attempt instead of a sorted set.
 */
public final class FixedWindow {

    /** Allowed, or refused with the seconds to wait (for Retry-After). */
    public record Decision(boolean allowed, long retryAfterSeconds) {
        public static final Decision ALLOW = new Decision(true, 0);
    }

    private FixedWindow() {}

    /** The window an instant falls in: its index since the epoch. */
    public static long index(long epochMillis, long windowMillis) {
        return Math.floorDiv(epochMillis, windowMillis);
    }

    /** The counter for one scope (login, socket...), address and window. */
    public static String key(String scope, String address, long windowIndex) {
        return io.switchboard.routing.live.RedisKeys.rateLimit(scope, address, windowIndex);
    }

    /** Given the count after this attempt was added. */
    public static Decision decide(long countIncludingThis, int limit, long epochMillis, long windowMillis) {
        if (countIncludingThis <= limit) {
            return Decision.ALLOW;
        }
        long windowEnd = (index(epochMillis, windowMillis) + 1) * windowMillis;
        long waitMillis = windowEnd - epochMillis;
        return new Decision(false, Math.max(1, (waitMillis + 999) / 1000));
    }
}
