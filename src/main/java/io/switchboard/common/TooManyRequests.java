package io.switchboard.common;

/** A flood guard's refusal: 429 problem JSON with {@code Retry-After} (seconds). */
public class TooManyRequests extends Problem {

    private final long retryAfterSeconds;

    public TooManyRequests(String detail, long retryAfterSeconds) {
        super(429, "Too Many Requests", detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
