package io.switchboard.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.protocol.ServerFrames;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of a graceful stop without sockets: not ready and refusing handshakes from the first moment. */
class DrainTest {

    private static final OpenConnections NONE = new OpenConnections() {
        @Override
        public Stream<WebSocketConnection> stream() {
            return Stream.empty();
        }

        @Override
        public java.util.Iterator<WebSocketConnection> iterator() {
            return stream().iterator();
        }
    };

    private final Drain drain = new Drain(NONE, new ServerFrames(new ObjectMapper()), Duration.ofSeconds(1));

    @Test
    void aRunningReplicaIsReadyAndAcceptsSockets() {
        assertThat(new DrainReadiness(drain).call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(new DrainUpgradeCheck(drain).perform(null).await().indefinitely().isUpgradePermitted()).isTrue();
    }

    @Test
    void aDrainingReplicaIsNotReadyAndRefusesHandshakesWith503() {
        drain.drain();
        assertThat(new DrainReadiness(drain).call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        var refused = new DrainUpgradeCheck(drain).perform(null).await().indefinitely();
        assertThat(refused.isUpgradePermitted()).isFalse();
        assertThat(refused.getHttpResponseCode()).isEqualTo(503);
    }

    @Test
    void drainingWaitsForFramesInFlight() throws Exception {
        var started = new java.util.concurrent.CountDownLatch(1);
        var finish = new java.util.concurrent.CompletableFuture<Void>();
        drain.track(Uni.createFrom().completionStage(finish)).subscribe().with(x -> { });
        Thread stopper = new Thread(() -> {
            started.countDown();
            drain.drain();
        });
        long t0 = System.nanoTime();
        stopper.start();
        started.await();
        Thread.sleep(300);
        assertThat(stopper.isAlive()).as("still waiting for the frame in hand").isTrue();
        finish.complete(null);
        stopper.join(2_000);
        assertThat(stopper.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    }
}
