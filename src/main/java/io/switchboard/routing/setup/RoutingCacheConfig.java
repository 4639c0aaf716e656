package io.switchboard.routing.setup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "switchboard.routing")
public interface RoutingCacheConfig {

    /**
     * How long a replica routes with a tenant's rules, group hours and out-of-hours text
     * without reading them from PostgreSQL again. A change reaches every replica at once
     * through Redis; this bounds how long a replica keeps the old configuration when that
     * message was lost (Redis unreachable at the moment of the change). Zero reads them for
     * every conversation.
     */
    @WithDefault("PT15S")
    Duration cacheTtl();
}
