package io.switchboard.operations;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.protocol.ServerFrames;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful shutdown of a replica's sockets. When the replica is told to stop it first turns
 * not-ready and refuses new sockets (so the load balancer sends them elsewhere), then tells
 * every open socket {@code notice reconnect}, lets the frames being handled finish (their
 * acks go out), and closes each socket with 1012 (service restart). Clients reconnect to
 * another replica and resume by sequence: nothing is lost.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class);
    /** RFC 6455 registry: the server is restarting; the client should reconnect. */
    public static final int SERVICE_RESTART = 1012;
    public static final String NOTICE_CODE = "reconnect";

    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final OpenConnections connections;
    private final ServerFrames frames;
    private final Duration timeout;

    Drain(OpenConnections connections, ServerFrames frames,
          @ConfigProperty(name = "switchboard.shutdown.drain-timeout", defaultValue = "PT5S") Duration timeout) {
        this.connections = connections;
        this.frames = frames;
        this.timeout = timeout;
    }

    public boolean isDraining() {
        return draining.get();
    }

    /** Wraps the handling of one incoming frame so that shutdown waits for it. */
    public Uni<Void> track(Uni<Void> work) {
        return Uni.createFrom().deferred(() -> {
            inFlight.incrementAndGet();
            return work.onTermination().invoke(inFlight::decrementAndGet);
        });
    }

    // Both: the delay event comes first when a shutdown delay is configured; otherwise the
    // shutdown event does it. Early priority: before the pub/sub link and pools close.
    void onDelay(@Observes @Priority(1) ShutdownDelayInitiatedEvent ev) {
        drain();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent ev) {
        drain();
    }

    /** Runs once, on the shutdown thread (blocking is fine there). */
    void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        List<WebSocketConnection> open = new ArrayList<>(connections.listAll());
        LOG.infof("draining: asking %d sockets to reconnect elsewhere", open.size());
        String notice = frames.notice(null, NOTICE_CODE, "this server is restarting; reconnect and resume");
        await(open.stream().filter(WebSocketConnection::isOpen).map(c -> c.sendText(notice)).toList(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warnf("draining: %d frames still in flight after %s; closing anyway", inFlight.get(), timeout);
        }
        CloseReason restart = new CloseReason(SERVICE_RESTART, "service restart");
        await(open.stream().filter(WebSocketConnection::isOpen).map(c -> c.close(restart)).toList(), timeout);
        LOG.infof("draining: closed %d sockets", open.size());
    }

    private static void await(List<Uni<Void>> sends, Duration timeout) {
        if (sends.isEmpty()) {
            return;
        }
        try {
            Uni.join().all(sends.stream().map(u -> u.onFailure().recoverWithNull()).toList())
                    .andFailFast().await().atMost(timeout);
        } catch (RuntimeException e) {
            LOG.warnf("draining: %s", e.getMessage());
        }
    }
}
