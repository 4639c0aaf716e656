package io.switchboard.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "switchboard.sessions")
public interface SessionConfig {

    /**
     * How long a replica trusts what it knows of a staff user's session epoch without asking
     * PostgreSQL again, and how often open staff sockets are re-checked. Changes reach every
     * replica at once through Redis; this bounds how long an old token still works when that
     * message was lost (Redis unreachable at the moment of the change).
     */
    @WithDefault("PT15S")
    Duration cacheTtl();

    /** How long a socket ticket from {@code POST /auth/socket-ticket} may wait to be used. */
    @WithDefault("PT30S")
    Duration ticketTtl();
}
