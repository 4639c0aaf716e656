package io.switchboard.event;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets this replica holds, by the Redis channel that reaches their owner.
 * The first socket of an owner subscribes the channel; the last one to leave
 * unsubscribes it, so a replica hears only about the people it serves.
 */
@ApplicationScoped
public class LocalSessions {

    private static final Logger LOG = Logger.getLogger(LocalSessions.class);

    private final Map<String, Set<WebSocketConnection>> byChannel = new ConcurrentHashMap<>();
    private final RedisSubscriber subscriber;
    private final Timer lag;

    LocalSessions(RedisSubscriber subscriber, MeterRegistry registry) {
        this.subscriber = subscriber;
        // Wall clocks of two replicas: skew between hosts shows up here too (docs/operations.md).
        this.lag = Timer.builder("switchboard.pubsub.lag")
                .description("From publish on any replica to delivery to this replica's sockets")
                .publishPercentiles(0.5, 0.99).register(registry);
        subscriber.attach(this);
    }

    /** Completes once this replica is subscribed to the channel, so nothing published after is missed. */
    public Uni<Void> register(String channel, WebSocketConnection connection) {
        @SuppressWarnings("unchecked")
        Uni<Void>[] subscribed = new Uni[] {Uni.createFrom().voidItem()};
        // SUBSCRIBE and UNSUBSCRIBE are sent inside compute(), which serialises them per
        // channel: a socket arriving as the owner's last one leaves cannot have its
        // subscription undone by an UNSUBSCRIBE that overtakes it.
        byChannel.compute(channel, (k, set) -> {
            if (set == null) {
                set = ConcurrentHashMap.newKeySet();
                subscribed[0] = subscriber.subscribe(channel);
            }
            set.add(connection);
            return set;
        });
        return subscribed[0];
    }

    public void unregister(String channel, WebSocketConnection connection) {
        byChannel.computeIfPresent(channel, (k, set) -> {
            set.remove(connection);
            if (set.isEmpty()) {
                subscriber.unsubscribe(channel);
                return null;
            }
            return set;
        });
    }

    Set<String> channels() {
        return byChannel.keySet();
    }

    public int connectionCount() {
        return byChannel.values().stream().mapToInt(Set::size).sum();
    }

    /** Writes a frame that came through Redis to every local socket of its channel. */
    void deliver(String channel, String payload) {
        Set<WebSocketConnection> sockets = byChannel.get(channel);
        if (sockets == null || sockets.isEmpty()) {
            return;
        }
        Envelope envelope = Envelope.decode(payload);
        if (envelope.publishedAt() > 0) {
            lag.record(Math.max(0, System.currentTimeMillis() - envelope.publishedAt()), TimeUnit.MILLISECONDS);
        }
        for (WebSocketConnection c : sockets) {
            if (c.isOpen() && !c.id().equals(envelope.excludeConnectionId())) {
                c.sendText(envelope.frame()).subscribe().with(ok -> { },
                        err -> LOG.debugf("dropped a frame to closing socket %s: %s", c.id(), err.getMessage()));
            }
        }
    }

    /** Tells every local socket to catch up: after a pub/sub outage some frames may not have arrived. */
    void broadcastLocal(String frame) {
        byChannel.values().forEach(set -> set.forEach(c -> {
            if (c.isOpen()) {
                c.sendText(frame).subscribe().with(ok -> { }, err -> { });
            }
        }));
    }
}
