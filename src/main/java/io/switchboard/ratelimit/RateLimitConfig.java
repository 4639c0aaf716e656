package io.switchboard.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Flood guards (DESIGN rule 6). docs/operations.md lists every key with its environment variable. */
@ConfigMapping(prefix = "switchboard.rate-limit")
public interface RateLimitConfig {

    /** Off switch for every limit below (for load tests from one address). */
    @WithDefault("true")
    boolean enabled();

    /** Frames per second a visitor socket may send, sustained. */
    @WithDefault("5")
    double visitorFramesPerSecond();

    /** Frames a visitor socket may send back to back (a paste, a burst of typing frames). */
    @WithDefault("20")
    int visitorFramesBurst();

    /** Frames per second a staff socket may send; agents juggle several conversations, so more. */
    @WithDefault("20")
    double staffFramesPerSecond();

    /** Frames a staff socket may send back to back. */
    @WithDefault("60")
    int staffFramesBurst();

    /** Socket handshakes (visitor and staff together) per remote address per window. */
    @WithDefault("120")
    int socketConnects();

    /** Staff login attempts per remote address per window: slows password guessing. */
    @WithDefault("20")
    int logins();

    /**
     * Failed logins to one account (its email, whether or not it exists), from all addresses
     * together, before every login to it is refused (429) until its lockout window ends.
     */
    @WithDefault("10")
    int loginFailuresPerAccount();

    /** The per-account window: it opens with the account's first failed login and lasts this long. */
    @WithDefault("PT15M")
    Duration accountLockout();

    /** Visitor identities created or renewed per remote address per window. */
    @WithDefault("60")
    int visitorTokens();

    /** The length of the per-address window. */
    @WithDefault("PT1M")
    Duration window();
}
