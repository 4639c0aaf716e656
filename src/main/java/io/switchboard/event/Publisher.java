package io.switchboard.event;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

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
        return publish(RedisKeys.visitorChannel(tenantId, visitorId), new Envelope(null, frame)).replaceWithVoid();
    }

    public Uni<Void> toStaff(String tenantId, String userId, String frame) {
        return publish(RedisKeys.staffChannel(tenantId, userId), new Envelope(null, frame)).replaceWithVoid();
    }

    /** One frame for one channel, to be sent with others by {@link #together}. */
    public record Delivery(String channel, Envelope envelope) {}

    /** For {@link #together}: to a visitor's sockets except the one that caused the frame. */
    public Delivery visitorExcept(String tenantId, String visitorId, String frame, String excludeConnectionId) {
        return new Delivery(RedisKeys.visitorChannel(tenantId, visitorId), new Envelope(excludeConnectionId, frame));
    }

    /** For {@link #together}: to a visitor's sockets. */
    public Delivery visitor(String tenantId, String visitorId, String frame) {
        return visitorExcept(tenantId, visitorId, frame, null);
    }

    /** For {@link #together}: to a staff user's sessions except the one that caused the frame. */
    public Delivery staffExcept(String tenantId, String userId, String frame, String excludeConnectionId) {
        return new Delivery(RedisKeys.staffChannel(tenantId, userId), new Envelope(excludeConnectionId, frame));
    }

    /** For {@link #together}: to a staff user's sessions. */
    public Delivery staff(String tenantId, String userId, String frame) {
        return staffExcept(tenantId, userId, frame, null);
    }

    /**
     * Several frames at once, pipelined on one Redis connection: one write and one read for all
     * of them instead of a round trip each, which is what a message to a visitor's tabs and
     * their agent, or a dispatcher batch's announcements, cost on the hot path. Redis runs them
     * in the given order, so each recipient gets its frames in that order.
     */
    public Uni<Void> together(List<Delivery> deliveries) {
        return delivered(deliveries).replaceWithVoid();
    }

    /**
     * {@link #together}, telling whether Redis took every frame: a message whose publish
     * failed stays recorded as undelivered, and the delivery sweep tries it again.
     */
    public Uni<Boolean> delivered(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        if (deliveries.size() == 1) {
            return publish(deliveries.get(0).channel(), deliveries.get(0).envelope());
        }
        List<Request> batch = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            batch.add(Request.cmd(Command.PUBLISH).arg(d.channel()).arg(d.envelope().encode()));
        }
        // As for a single publish: fan-out trouble after commit is logged, never the caller's failure.
        return redis.getRedis().batch(batch)
                .replaceWith(true)
                .onFailure().invoke(e -> LOG.warnf("publish to %d channels failed: %s", deliveries.size(), e.getMessage()))
                .onFailure().recoverWithItem(false);
    }

    private Uni<Boolean> publish(String channel, Envelope envelope) {
        // A lost publish is recoverable (clients resume by sequence, undelivered messages are
        // swept), a failed request is not: never fail the caller's operation because fan-out
        // hiccupped after commit.
        return redis.execute(Command.PUBLISH, channel, envelope.encode())
                .replaceWith(true)
                .onFailure().invoke(e -> LOG.warnf("publish to %s failed: %s", channel, e.getMessage()))
                .onFailure().recoverWithItem(false);
    }
}
