package io.switchboard.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.switchboard.event.RedisSubscriber;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether a staff token still belongs to its user's current session (DESIGN: "a token is
 * not a session"). PostgreSQL holds each user's session epoch; removal, a password or a role
 * change bumps it, and every token carries the epoch it was issued in.
 *
 * <p>Asked on every authenticated request, so each replica keeps what it learnt per user in
 * memory: a hit costs a map lookup. Exact across replicas because a change is applied here at
 * once and published to every replica through Redis; a replica that lost its pub/sub link
 * forgets everything when it is back, since messages sent meanwhile are lost. Should a message
 * be lost while the link stayed up (Redis unreachable only for the replica that made the
 * change), an entry is trusted for at most {@link SessionConfig#cacheTtl()} before PostgreSQL
 * is asked again. Only "current" needs that freshness: epochs only grow and removal is final,
 * so a token once judged stale stays stale, and a token newer than what is known sends the
 * question to PostgreSQL at once (a user who just changed their password on another replica).
 */
@ApplicationScoped
public class SessionEpochs {

    private static final Logger LOG = Logger.getLogger(SessionEpochs.class);

    /** A user of one tenant. */
    public record User(String tenantId, String userId) {
        String key() {
            return tenantId + ":" + userId;
        }
    }

    /** Told of every change this replica learns of, its own and other replicas'. */
    public interface Listener {
        void changed(User user, SessionEpoch now);
    }

    private record Known(SessionEpoch state, long checkedAtNanos) {}

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final long ttlNanos;

    SessionEpochs(Pool pool, ReactiveRedisDataSource redis, SessionConfig config, RedisSubscriber subscriber) {
        this.pool = pool;
        this.redis = redis;
        this.ttlNanos = config.cacheTtl().toNanos();
        subscriber.listen(RedisKeys.sessionsChannel(), this::onMessage, this::forgetAll);
    }

    /** Created at start, so that the replica hears changes before its first request. */
    void onStart(@Observes StartupEvent ev) {
        LOG.debugf("session epochs: %d users known", known.size());
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Whether a token of that user issued in {@code tokenEpoch} may still act. */
    public Uni<Boolean> admits(String tenantId, String userId, long tokenEpoch) {
        User user = new User(tenantId, userId);
        Known k = known.get(user.key());
        if (k != null) {
            SessionEpoch.Verdict v = k.state().judge(tokenEpoch);
            if (v == SessionEpoch.Verdict.STALE) {
                return Uni.createFrom().item(false);
            }
            if (v == SessionEpoch.Verdict.CURRENT && System.nanoTime() - k.checkedAtNanos() < ttlNanos) {
                return Uni.createFrom().item(true);
            }
        }
        return refresh(List.of(user)).map(states -> states.get(user).judge(tokenEpoch) == SessionEpoch.Verdict.CURRENT);
    }

    /**
     * What this replica already knows to be stale, without asking anyone: for the re-check a
     * socket makes right after registering, which closes the gap between its first check and
     * a change that arrived meanwhile.
     */
    public boolean knownStale(String tenantId, String userId, long tokenEpoch) {
        Known k = known.get(new User(tenantId, userId).key());
        return k != null && k.state().judge(tokenEpoch) == SessionEpoch.Verdict.STALE;
    }

    /** The users' current epochs from PostgreSQL in one query; a user not found counts as removed. */
    public Uni<Map<User, SessionEpoch>> refresh(Collection<User> users) {
        Map<User, SessionEpoch> out = new HashMap<>();
        List<UUID> ids = new java.util.ArrayList<>();
        for (User u : users) {
            try {
                UUID.fromString(u.tenantId());
                ids.add(UUID.fromString(u.userId()));
                out.put(u, SessionEpoch.REMOVED);
            } catch (IllegalArgumentException | NullPointerException e) {
                out.put(u, SessionEpoch.REMOVED);
            }
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(out);
        }
        long started = System.nanoTime();
        return pool.preparedQuery("""
                        select id, tenant_id, session_epoch, disabled_at is not null as removed
                        from staff_users where id = any($1)""")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<String, SessionEpoch> found = new HashMap<>();
                    for (Row r : rows) {
                        found.put(r.getUUID("tenant_id") + ":" + r.getUUID("id"),
                                r.getBoolean("removed") ? SessionEpoch.REMOVED : SessionEpoch.of(r.getLong("session_epoch")));
                    }
                    // A user of another tenant than the token says is, for this token, no user at all.
                    out.replaceAll((u, s) -> remember(u, found.getOrDefault(u.key(), SessionEpoch.REMOVED), started));
                    return out;
                });
    }

    /**
     * Ends every earlier session of the user on every replica: call after the change that
     * bumped the epoch (or removed the user) has committed. Never fails: a publish that does not
     * reach Redis leaves other replicas to find out within the cache's time to live.
     */
    public Uni<Void> changed(String tenantId, String userId, SessionEpoch now) {
        User user = new User(tenantId, userId);
        apply(user, now);
        return redis.execute(Command.PUBLISH, RedisKeys.sessionsChannel(), user.key() + ":" + now.wire())
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("session change of %s not published (%s): other replicas learn it within the cache's time to live",
                        user.key(), e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Drops entries nobody asked about for a while, so the map holds the active users only. */
    public void prune() {
        long now = System.nanoTime();
        known.values().removeIf(k -> now - k.checkedAtNanos() > 4 * ttlNanos);
    }

    private SessionEpoch remember(User user, SessionEpoch read, long readStartedNanos) {
        // A change applied while the query ran is newer than what it read: keep the newer one.
        Known merged = known.merge(user.key(), new Known(read, readStartedNanos),
                (old, fresh) -> new Known(old.state().newer(fresh.state()), Math.max(old.checkedAtNanos(), fresh.checkedAtNanos())));
        return merged.state();
    }

    private void apply(User user, SessionEpoch now) {
        SessionEpoch merged = remember(user, now, System.nanoTime());
        for (Listener l : listeners) {
            try {
                l.changed(user, merged);
            } catch (RuntimeException e) {
                LOG.warnf(e, "session listener failed for %s", user.key());
            }
        }
    }

    private void onMessage(String payload) {
        // <tenantId>:<userId>:<epoch|removed>; ids are UUIDs, so the colons are unambiguous.
        String[] parts = payload.split(":");
        if (parts.length != 3) {
            return;
        }
        SessionEpoch state = SessionEpoch.parse(parts[2]);
        if (state != null) {
            apply(new User(parts[0], parts[1]), state);
        }
    }

    private void forgetAll() {
        known.clear();
    }
}
