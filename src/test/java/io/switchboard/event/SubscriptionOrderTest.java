package io.switchboard.event;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The subscriber connection must send SUBSCRIBE and UNSUBSCRIBE to Redis in the order
 * {@link LocalSessions} decided them, whichever event loop each comes from. An agent who
 * reloads the console closes one socket and opens another: when the old one's close is
 * handled first, its UNSUBSCRIBE and the new socket's SUBSCRIBE must reach Redis in that
 * order, or the new socket is registered on a channel Redis no longer sends to.
 */
@QuarkusTest
class SubscriptionOrderTest {

    @Inject
    RedisSubscriber subscriber;

    @Inject
    RedisDataSource redis;

    @Test
    void anUnsubscribeFromAnotherEventLoopCannotUndoALaterSubscribeFromTheSubscribersOwn() throws Exception {
        String channel = "test:order:" + UUID.randomUUID();
        subscriber.subscribe(channel).await().atMost(Duration.ofSeconds(5));
        assertThat(subscribers(channel)).isEqualTo(1);

        Context own = subscriber.context();
        assertThat(own).isNotNull();
        CompletableFuture<Uni<Void>> resubscribed = new CompletableFuture<>();
        own.runOnContext(v -> {
            try {
                // The old socket's close, handled on another thread, unsubscribes first...
                Thread other = new Thread(() -> subscriber.unsubscribe(channel));
                other.start();
                other.join();
                // ...then the new socket, served by the subscriber connection's own event loop,
                // subscribes again while that loop is still busy with this task.
                resubscribed.complete(subscriber.subscribe(channel));
            } catch (Throwable e) {
                resubscribed.completeExceptionally(e);
            }
        });
        resubscribed.get(5, TimeUnit.SECONDS).await().atMost(Duration.ofSeconds(5));

        // Both commands have been written by now; the channel must stay subscribed.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> subscribers(channel) == 1);
        subscriber.unsubscribe(channel);
    }

    private long subscribers(String channel) {
        return redis.execute("PUBSUB", "NUMSUB", channel).get(1).toLong();
    }
}
