package io.switchboard.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per open socket, kept on the replica that holds the socket: a socket
 * lives on one replica, so its frames need no shared count. A flood of frames from one
 * connection gets {@code rate_limited} errors while the socket stays open.
 */
@ApplicationScoped
public class FrameLimiter {

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final RateLimitConfig config;

    FrameLimiter(RateLimitConfig config) {
        this.config = config;
    }

    /** True if the connection may send this frame now. */
    public boolean allow(String connectionId, boolean staff) {
        if (!config.enabled()) {
            return true;
        }
        long now = System.nanoTime();
        TokenBucket bucket = buckets.computeIfAbsent(connectionId, id -> staff
                ? new TokenBucket(config.staffFramesPerSecond(), config.staffFramesBurst(), now)
                : new TokenBucket(config.visitorFramesPerSecond(), config.visitorFramesBurst(), now));
        return bucket.tryTake(now);
    }

    public void forget(String connectionId) {
        buckets.remove(connectionId);
    }

    int tracked() {
        return buckets.size();
    }
}
