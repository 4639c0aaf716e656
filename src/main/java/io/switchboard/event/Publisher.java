package io.switchboard.event;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Sends encoded frames to explicit recipients on any replica (DESIGN rule 3). Callers
 * publish only after the change the frame describes has committed.
 */
@ApplicationScoped
public class Publisher {

    private static final Logger LOG = Logger.getLogger(Publisher.class);

    private final ReactiveRedisDataSource redis;

    Publisher(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public Uni<Void> toVisitor(String tenantId, String visitorId, String frame) {
        return publish(RedisKeys.visitorChannel(tenantId, visitorId), new Envelope(null, frame));
    }

    public Uni<Void> toStaff(String tenantId, String userId, String frame) {
        return publish(RedisKeys.staffChannel(tenantId, userId), new Envelope(null, frame));
    }

    /** To a staff user's sessions except the one that caused the frame. */
    public Uni<Void> toStaffExcept(String tenantId, String userId, String frame, String excludeConnectionId) {
        return publish(RedisKeys.staffChannel(tenantId, userId), new Envelope(excludeConnectionId, frame));
    }

    /** To a visitor's sockets except the one that caused the frame. */
    public Uni<Void> toVisitorExcept(String tenantId, String visitorId, String frame, String excludeConnectionId) {
        return publish(RedisKeys.visitorChannel(tenantId, visitorId), new Envelope(excludeConnectionId, frame));
    }

    private Uni<Void> publish(String channel, Envelope envelope) {
        // A lost publish is recoverable (clients resume by sequence), a failed request is not:
        // never fail the caller's operation because fan-out hiccupped after commit.
        return redis.execute(Command.PUBLISH, channel, envelope.encode())
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("publish to %s failed: %s", channel, e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
