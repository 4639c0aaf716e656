package io.switchboard.console;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.channel.widget.SocketReplies;
import io.switchboard.security.Caller;
import io.switchboard.security.SessionEpoch;
import io.switchboard.security.SessionEpochs;
import io.switchboard.security.SocketTickets;
import io.switchboard.security.TokenService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a staff socket in only with a live session, and ends it with 4401 when the session
 * ends: at its token's expiry, or when its user is removed or changes password or roles on
 * any replica ({@link SessionEpochs} tells every replica). Open sockets are also re-checked
 * against PostgreSQL every {@code switchboard.sessions.cache-ttl}, which bounds how long one
 * survives a change whose message Redis lost.
 */
@ApplicationScoped
public class StaffSessionGuard {

    private static final Logger LOG = Logger.getLogger(StaffSessionGuard.class);

    /** Close code for a session that ended (PROTOCOL.md): the same as for a bad token. */
    static final CloseReason SESSION_ENDED = new CloseReason(SocketReplies.UNAUTHORIZED, "session ended");
    /** The ticket or epoch could not be checked (Redis or PostgreSQL unreachable): try again. */
    static final CloseReason UNAVAILABLE = new CloseReason(1011, "temporarily unavailable");

    private record Held(WebSocketConnection connection, Context context, SessionEpochs.User user, long epoch, long timerId) {}

    private final Map<String, Held> byConnection = new ConcurrentHashMap<>();
    private final Map<SessionEpochs.User, Set<String>> byUser = new ConcurrentHashMap<>();
    private final TokenService tokens;
    private final SocketTickets tickets;
    private final SessionEpochs epochs;
    private final Vertx vertx;

    StaffSessionGuard(TokenService tokens, SocketTickets tickets, SessionEpochs epochs, Vertx vertx) {
        this.tokens = tokens;
        this.tickets = tickets;
        this.epochs = epochs;
        this.vertx = vertx;
        epochs.addListener(this::changed);
    }

    /**
     * The staff caller a socket opened with ({@code ?ticket=} or {@code ?token=}), with its
     * expiry armed; null when the socket must be closed with 4401. Fails when the ticket or
     * session could not be checked.
     */
    Uni<Caller> admit(WebSocketConnection connection) {
        // Captured before any I/O: the socket's own event loop, where its timer fires.
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        String query = connection.handshakeRequest().query();
        String ticket = SocketReplies.queryParam(query, "ticket");
        Uni<Optional<TokenService.StaffSession>> presented = ticket != null
                ? tickets.redeem(ticket)
                : Uni.createFrom().item(tokens.verifyStaff(SocketReplies.queryParam(query, "token")));
        return presented.flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            TokenService.StaffSession s = found.get();
            Caller c = s.caller();
            return epochs.admits(c.tenantId(), c.id(), s.epoch())
                    .map(current -> current && hold(connection, context, s) ? c : null);
        });
    }

    /** Forgets the socket and disarms its expiry. */
    void release(WebSocketConnection connection) {
        Held h = byConnection.remove(connection.id());
        if (h == null) {
            return;
        }
        vertx.cancelTimer(h.timerId());
        byUser.computeIfPresent(h.user(), (u, ids) -> {
            ids.remove(connection.id());
            return ids.isEmpty() ? null : ids;
        });
    }

    private boolean hold(WebSocketConnection connection, Context context, TokenService.StaffSession s) {
        long delay = s.expiresAt().toEpochMilli() - Instant.now().toEpochMilli();
        if (delay <= 0) {
            return false;
        }
        SessionEpochs.User user = new SessionEpochs.User(s.caller().tenantId(), s.caller().id());
        String id = connection.id();
        // One timer per socket on the event loop, no thread: the close runs on the socket's context.
        long timer = vertx.setTimer(delay, t -> context.runOnContext(v -> end(byConnection.get(id), "token expired")));
        byConnection.put(id, new Held(connection, context, user, s.epoch(), timer));
        byUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(id);
        // A change that arrived between the check and the registration above found no socket
        // to close: it is in the epochs already, so look once more now that the socket is listed.
        if (epochs.knownStale(user.tenantId(), user.userId(), s.epoch())) {
            release(connection);
            return false;
        }
        return true;
    }

    private void changed(SessionEpochs.User user, SessionEpoch now) {
        Set<String> ids = byUser.get(user);
        if (ids == null) {
            return;
        }
        for (String id : Set.copyOf(ids)) {
            Held h = byConnection.get(id);
            if (h != null && now.judge(h.epoch()) == SessionEpoch.Verdict.STALE) {
                h.context().runOnContext(v -> end(h, "session ended"));
            }
        }
    }

    private void end(Held h, String why) {
        if (h == null) {
            return;
        }
        release(h.connection());
        if (h.connection().isOpen()) {
            LOG.debugf("closing staff socket %s of %s: %s", h.connection().id(), h.user(), why);
            h.connection().close(SESSION_ENDED).subscribe().with(ok -> { }, e -> { });
        }
    }

    /**
     * The safety net under pub/sub: every open socket's session against PostgreSQL, one query
     * for all of this replica's staff users.
     */
    @Scheduled(every = "${switchboard.sessions.cache-ttl:PT15S}", delayed = "${switchboard.sessions.cache-ttl:PT15S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> recheck() {
        epochs.prune();
        if (byConnection.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<SessionEpochs.User> users = new HashSet<>(byUser.keySet());
        return epochs.refresh(users).invoke(states -> byConnection.values().forEach(h -> {
            SessionEpoch now = states.get(h.user());
            if (now != null && now.judge(h.epoch()) == SessionEpoch.Verdict.STALE) {
                h.context().runOnContext(v -> end(h, "session ended"));
            }
        })).replaceWithVoid().onFailure().invoke(e -> LOG.warnf("staff sessions not re-checked: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
