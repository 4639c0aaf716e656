package io.switchboard.event;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one Redis connection of this replica in subscriber mode. Redis forgets
 * subscriptions when a connection drops or Redis restarts, silently; so on every
 * (re)connect this class subscribes again to every channel the replica's sockets need
 * and then asks those sockets to resume, since frames published meanwhile were lost.
 */
@ApplicationScoped
public class RedisSubscriber {

    private static final Logger LOG = Logger.getLogger(RedisSubscriber.class);
    private static final int SUBSCRIBE_BATCH = 500;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Vertx vertx;
    private final String redisUrl;
    private final Redis client;
    /** The subscriber connection and the event loop it lives on; null while disconnected. */
    private volatile Link link;
    private volatile LocalSessions sessions;
    private volatile boolean stopping;
    private volatile boolean everConnected;
    private volatile long redisClientId = -1;
    private long backoffMs = 100;
    /** Channels every replica hears for its whole life, whatever sockets it holds. */
    private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();
    private final List<Runnable> onConnected = new CopyOnWriteArrayList<>();

    RedisSubscriber(Vertx vertx, @ConfigProperty(name = "quarkus.redis.hosts") String redisUrl) {
        this.vertx = vertx;
        this.redisUrl = redisUrl.split(",")[0].trim();
        this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(this.redisUrl));
    }

    void attach(LocalSessions localSessions) {
        this.sessions = localSessions;
    }

    void onStart(@Observes StartupEvent ev) {
        connect();
    }

    void onStop(@Observes ShutdownEvent ev) {
        stopping = true;
        Link l = link;
        if (l != null) {
            l.connection().close();
        }
    }

    /**
     * Hears a deployment-wide channel for the life of the replica. {@code connected} runs after
     * each (re)connect has subscribed again: whatever was published while the link was down is
     * lost, so a listener that keeps derived state drops it there.
     */
    public void listen(String channel, Consumer<String> handler, Runnable connected) {
        listeners.put(channel, handler);
        onConnected.add(connected);
        Link l = link;
        if (l != null) {
            l.sendInOrder(Request.cmd(Command.SUBSCRIBE).arg(channel));
        }
    }

    public boolean isConnected() {
        return link != null;
    }

    /** The event loop of the current subscriber connection, null before the first connect. */
    Context context() {
        Link l = link;
        return l == null ? null : l.context();
    }

    /** The Redis client id of the current subscriber connection, -1 before the first connect. */
    public long redisClientId() {
        return redisClientId;
    }

    private synchronized void connect() {
        if (stopping) {
            return;
        }
        client.connect().onSuccess(conn -> {
            conn.handler(this::onPush);
            conn.exceptionHandler(err -> lost("error: " + err.getMessage()));
            conn.endHandler(v -> lost("connection closed"));
            // This callback runs on the connection's event loop.
            link = new Link(conn, vertx.getOrCreateContext());
            backoffMs = 100;
            List<String> channels = new ArrayList<>(listeners.keySet());
            if (sessions != null) {
                channels.addAll(sessions.channels());
            }
            // The connection's id (asked before it enters subscriber mode) names it in CLIENT LIST for operators.
            conn.send(Request.cmd(Command.CLIENT).arg("ID"))
                    .onSuccess(id -> redisClientId = id.toLong())
                    .compose(id -> subscribeAll(conn, channels))
                    .onComplete(done -> {
                onConnected.forEach(Runnable::run);
                if (everConnected) {
                    LOG.infof("redis pub/sub reconnected; re-subscribed %d channels", channels.size());
                    if (sessions != null) {
                        sessions.broadcastLocal(RESYNC);
                    }
                }
                everConnected = true;
            });
        }).onFailure(err -> {
            LOG.warnf("redis pub/sub connect to %s failed (%s); retrying in %d ms", redisUrl, err.getMessage(), backoffMs);
            retryLater();
        });
    }

    /** A notice every client understands as "send resume now". */
    static final String RESYNC = "{\"type\":\"notice\",\"code\":\"resync\",\"text\":\"reconnected to the event stream; resume to catch up\"}";

    private synchronized void lost(String why) {
        if (link == null || stopping) {
            return;
        }
        LOG.warnf("redis pub/sub link lost (%s); reconnecting", why);
        link = null;
        retryLater();
    }

    private void retryLater() {
        if (stopping) {
            return;
        }
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        vertx.setTimer(delay, t -> connect());
    }

    private Future<Void> subscribeAll(RedisConnection conn, List<String> channels) {
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < channels.size(); i += SUBSCRIBE_BATCH) {
            List<String> batch = channels.subList(i, Math.min(channels.size(), i + SUBSCRIBE_BATCH));
            Request req = Request.cmd(Command.SUBSCRIBE);
            batch.forEach(req::arg);
            chain = chain.compose(v -> conn.send(req).mapEmpty());
        }
        return chain;
    }

    /**
     * Sends SUBSCRIBE now (not when the returned Uni is subscribed), so that commands
     * issued one after another for the same channel reach Redis in that order.
     */
    Uni<Void> subscribe(String channel) {
        Link l = link;
        if (l == null) {
            // Not connected: the reconnect subscribes every registered channel.
            return Uni.createFrom().voidItem();
        }
        Future<Response> sent = l.sendInOrder(Request.cmd(Command.SUBSCRIBE).arg(channel));
        return Uni.createFrom().completionStage(sent.toCompletionStage())
                .replaceWithVoid()
                .onFailure().recoverWithItem(() -> null);
    }

    void unsubscribe(String channel) {
        Link l = link;
        if (l != null) {
            l.sendInOrder(Request.cmd(Command.UNSUBSCRIBE).arg(channel));
        }
    }

    /**
     * The subscriber connection with its event loop. The Redis client writes a command at once
     * when called on the connection's own event loop, but queues it on that loop when called
     * from another: a SUBSCRIBE from the connection's loop would overtake an UNSUBSCRIBE of the
     * same channel another loop had queued a moment earlier, leaving a socket registered on a
     * channel Redis no longer sends to (an agent reloading the console, old socket's close
     * handled first). So every command is queued on the connection's loop, which runs its
     * queue in order: Redis sees them in the order {@link LocalSessions} issued them.
     */
    private record Link(RedisConnection connection, Context context) {

        Future<Response> sendInOrder(Request request) {
            Promise<Response> done = Promise.promise();
            context.runOnContext(v -> connection.send(request).onComplete(done));
            return done.future();
        }
    }

    private void onPush(Response r) {
        // RESP2 delivers ["message", channel, payload]; RESP3 the same as a push type.
        if (r == null || (r.type() != ResponseType.MULTI && r.type() != ResponseType.PUSH) || r.size() < 3) {
            return;
        }
        if (!"message".equals(r.get(0).toString())) {
            return;
        }
        String channel = r.get(1).toString();
        Consumer<String> listener = listeners.get(channel);
        if (listener != null) {
            listener.accept(r.get(2).toString());
            return;
        }
        LocalSessions s = sessions;
        if (s != null) {
            s.deliver(r.get(1).toString(), r.get(2).toString());
        }
    }
}
