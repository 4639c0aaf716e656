package io.switchboard.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "switchboard.tokens")
public interface TokenConfig {

    /** How long a staff login token is valid. */
    @WithDefault("PT12H")
    Duration staffTtl();

    /** How long a visitor token is valid; the widget asks for a new one with its visitorId. */
    @WithDefault("P30D")
    Duration visitorTtl();
}
