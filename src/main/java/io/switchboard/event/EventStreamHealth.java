package io.switchboard.event;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A replica whose pub/sub link is down would accept sockets it cannot deliver to, so it
 * is not ready until the link is up again; Kubernetes then sends new sockets elsewhere.
 */
@Readiness
@ApplicationScoped
public class EventStreamHealth implements HealthCheck {

    private final RedisSubscriber subscriber;
    private final LocalSessions sessions;

    EventStreamHealth(RedisSubscriber subscriber, LocalSessions sessions) {
        this.subscriber = subscriber;
        this.sessions = sessions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Event stream (Redis pub/sub)")
                .status(subscriber.isConnected())
                .withData("localSockets", sessions.connectionCount())
                .build();
    }
}
