package io.switchboard.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.switchboard.routing.live.RedisKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * One-time tickets that open a staff socket, so that a long-lived token never travels in a
 * URL (proxies and ingresses log URLs). A ticket is 256 random bits; Redis keeps only its
 * SHA-256 with who it is for, the session epoch and when their token expires, for
 * {@link SessionConfig#ticketTtl()} at most and never past the token. Redeeming reads and
 * deletes it in one script, so it opens one socket on one replica, once.
 */
@ApplicationScoped
public class SocketTickets {

    public record Issued(String ticket, Instant expiresAt) {}

    // GETDEL, as a script so that Redis before 6.2 runs it too.
    private static final String TAKE = "local v = redis.call('GET', KEYS[1]) if v then redis.call('DEL', KEYS[1]) end return v";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReactiveRedisDataSource redis;
    private final Duration ttl;

    SocketTickets(ReactiveRedisDataSource redis, SessionConfig config) {
        this.redis = redis;
        this.ttl = config.ticketTtl();
    }

    public Uni<Issued> issue(TokenService.StaffSession session) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = Instant.now().plus(ttl);
        if (expires.isAfter(session.expiresAt())) {
            expires = session.expiresAt();
        }
        long millis = Math.max(1, Duration.between(Instant.now(), expires).toMillis());
        Caller c = session.caller();
        String value = new JsonObject()
                .put("tid", c.tenantId()).put("sub", c.id()).put("name", c.name())
                .put("roles", new JsonArray(c.roles().stream().sorted().toList()))
                .put("sev", session.epoch()).put("exp", session.expiresAt().getEpochSecond())
                .encode();
        Instant answer = expires;
        return redis.execute(Command.SET, RedisKeys.socketTicket(hash(ticket)), value, "PX", Long.toString(millis))
                .replaceWith(new Issued(ticket, answer));
    }

    /** The session a ticket was issued for, once; empty when unknown, used or expired. */
    public Uni<Optional<TokenService.StaffSession>> redeem(String ticket) {
        if (ticket == null || ticket.isBlank() || ticket.length() > 128) {
            return Uni.createFrom().item(Optional.empty());
        }
        return redis.execute(Command.EVAL, TAKE, "1", RedisKeys.socketTicket(hash(ticket)))
                .map(r -> r == null ? Optional.<TokenService.StaffSession>empty() : Optional.of(decode(r.toString())));
    }

    private static TokenService.StaffSession decode(String value) {
        JsonObject o = new JsonObject(value);
        Set<String> roles = new LinkedHashSet<>();
        o.getJsonArray("roles").forEach(r -> roles.add(r.toString()));
        Caller caller = new Caller(o.getString("tid"), o.getString("sub"), Caller.Kind.STAFF, Set.copyOf(roles), o.getString("name"), null);
        return new TokenService.StaffSession(caller, o.getLong("sev"), Instant.ofEpochSecond(o.getLong("exp")));
    }

    static String hash(String ticket) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
