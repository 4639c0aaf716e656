package io.switchboard.security;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Issues and verifies the signed tokens of staff and visitors. Both kinds carry the
 * tenant ({@code tid}); visitor tokens also carry their channel ({@code cid}), staff
 * tokens their user's session epoch ({@code sev}, see {@link SessionEpochs}).
 */
@ApplicationScoped
public class TokenService {

    public record Issued(String token, Instant expiresAt) {}

    /** A verified staff token: who, the session epoch it was issued in, and when it expires. */
    public record StaffSession(Caller caller, long epoch, Instant expiresAt) {}

    /** Claim naming the session epoch a staff token was issued in. */
    public static final String EPOCH_CLAIM = "sev";

    private final JWTParser parser;
    private final TokenConfig config;

    TokenService(JWTParser parser, TokenConfig config) {
        this.parser = parser;
        this.config = config;
    }

    public Issued staffToken(String tenantId, String userId, String name, String email, Set<String> roles, long epoch) {
        return staffToken(tenantId, userId, name, email, roles, epoch, config.staffTtl());
    }

    /** A staff token valid for {@code ttl}, in the session {@code epoch} of its user. */
    public Issued staffToken(String tenantId, String userId, String name, String email, Set<String> roles, long epoch,
                             java.time.Duration ttl) {
        Instant exp = Instant.now().plus(ttl);
        String token = Jwt.issuer("switchboard")
                .subject(userId)
                .upn(email)
                .groups(roles)
                .claim("tid", tenantId)
                .claim("name", name)
                .claim("kind", "staff")
                .claim(EPOCH_CLAIM, epoch)
                .expiresAt(exp)
                .sign();
        return new Issued(token, exp);
    }

    public Issued visitorToken(String tenantId, String visitorId, String channelId, String name) {
        Instant exp = Instant.now().plus(config.visitorTtl());
        var builder = Jwt.issuer("switchboard")
                .subject(visitorId)
                .groups(Set.of(Roles.VISITOR))
                .claim("tid", tenantId)
                .claim("cid", channelId)
                .claim("kind", "visitor")
                .expiresAt(exp);
        if (name != null) {
            builder.claim("name", name);
        }
        return new Issued(builder.sign(), exp);
    }

    /** Verifies a raw token (from a socket's query string); empty when missing, forged or expired. */
    public Optional<Caller> verify(String token) {
        if (token == null || token.isBlank() || token.length() > 8192) {
            return Optional.empty();
        }
        try {
            return fromJwt(parser.parse(token));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Verifies a staff token from a socket's query string; empty when missing, forged, expired or not staff. */
    public Optional<StaffSession> verifyStaff(String token) {
        if (token == null || token.isBlank() || token.length() > 8192) {
            return Optional.empty();
        }
        try {
            JsonWebToken jwt = parser.parse(token);
            return fromJwt(jwt).filter(Caller::isStaff)
                    .map(c -> new StaffSession(c, epochOf(jwt), Instant.ofEpochSecond(jwt.getExpirationTime())));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The session epoch a staff token was issued in. Tokens issued before epochs existed carry
     * none and count as epoch 0, which every removal, password or role change leaves behind.
     */
    public static long epochOf(JsonWebToken jwt) {
        Object raw = jwt.getClaim(EPOCH_CLAIM);
        if (raw instanceof Number n) {
            return n.longValue();
        }
        if (raw instanceof jakarta.json.JsonNumber n) {
            return n.longValue();
        }
        if (raw != null) {
            try {
                return Long.parseLong(raw.toString());
            } catch (NumberFormatException e) {
                return Long.MIN_VALUE;
            }
        }
        return 0;
    }

    /** Reads a caller from a token the framework already verified. */
    public static Optional<Caller> fromJwt(JsonWebToken jwt) {
        if (jwt == null || jwt.getSubject() == null) {
            return Optional.empty();
        }
        Object tid = jwt.getClaim("tid");
        Object kind = jwt.getClaim("kind");
        if (tid == null || kind == null) {
            return Optional.empty();
        }
        Set<String> roles = jwt.getGroups() == null ? Set.of() : Set.copyOf(new HashSet<>(jwt.getGroups()));
        String name = jwt.getClaim("name") == null ? null : jwt.getClaim("name").toString();
        if ("visitor".equals(kind.toString())) {
            Object cid = jwt.getClaim("cid");
            return Optional.of(new Caller(tid.toString(), jwt.getSubject(), Caller.Kind.VISITOR, roles, name,
                    cid == null ? null : cid.toString()));
        }
        return Optional.of(new Caller(tid.toString(), jwt.getSubject(), Caller.Kind.STAFF, roles, name, null));
    }
}
