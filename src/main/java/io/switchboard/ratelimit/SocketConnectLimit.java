package io.switchboard.ratelimit;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/**
 * Refuses a socket handshake with 429 and Retry-After when its address has opened too many
 * sockets in the current window, before any socket state exists.
 */
@ApplicationScoped
public class SocketConnectLimit implements HttpUpgradeCheck {

    private final AddressLimiter limiter;

    SocketConnectLimit(AddressLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        var remote = context.httpRequest().remoteAddress();
        String address = remote == null ? null : remote.hostAddress();
        return limiter.attempt(AddressLimiter.SOCKETS, address).flatMap(d -> d.allowed()
                ? CheckResult.permitUpgrade()
                : CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of(Long.toString(d.retryAfterSeconds())))));
    }
}
