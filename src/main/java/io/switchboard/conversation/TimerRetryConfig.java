package io.switchboard.conversation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How a timer firing that failed (PostgreSQL away, an error) is tried again (B6); docs/operations.md, "Timers". */
@ConfigMapping(prefix = "switchboard.timers.retry")
public interface TimerRetryConfig {

    /**
     * Wait before the first retry, doubled at each failure after it. Also how long a replica
     * holds a deadline it is firing before another replica may take it over.
     */
    @WithDefault("PT5S")
    Duration backoff();

    /** Longest wait between two retries. */
    @WithDefault("PT5M")
    Duration maxBackoff();
}
