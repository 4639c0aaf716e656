package io.switchboard.channel.widget;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.switchboard.attachment.AttachmentConfig;
import io.switchboard.common.Problem;
import io.switchboard.security.IdentityHash;
import io.switchboard.security.TokenService;
import io.switchboard.security.VisitorSecret;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * Gives the widget a visitor identity and token (E1, A9). Anonymous visitors come back
 * with their visitorId and the visitorSecret only their browser holds; identified customers
 * prove who they are with the HMAC their tenant's backend computed with the channel secret.
 * The attributes a page passes are claims: kept on the visitor apart from the customer
 * record, which only the tenant's backend writes (admin REST).
 */
@Path("/api/v1/widget/{channelKey}/visitors")
public class WidgetVisitorResource {

    public static final int MAX_ATTRIBUTES = 50;

    public record VisitorRequest(@Size(max = 64) String visitorId,
                                 @Size(max = 128) String visitorSecret,
                                 @Size(max = 200) String userId,
                                 @Size(max = 128) String userHash,
                                 @Size(max = 200) String name,
                                 @Email @Size(max = 320) String email,
                                 Map<String, Object> attributes) {}

    /** {@code visitorSecret}: for anonymous visitors only, to present with {@code visitorId} next time. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    /**
     * {@code attachmentMaxSize}: the largest file an upload may have (C1), so the widget refuses
     * a larger one before sending its bytes; the upload still checks.
     */
    public record VisitorResponse(String visitorId, String visitorToken, Instant expiresAt, String visitorSecret,
                                  long attachmentMaxSize) {}

    /** A visitor the request resolved to; {@code secret} is null for identified customers. */
    private record Resolved(UUID visitorId, ChannelRef channel, String secret) {}

    private record ChannelRef(UUID id, UUID tenantId, String secret) {}

    private final Pool pool;
    private final TokenService tokens;
    private final long attachmentMaxSize;

    WidgetVisitorResource(Pool pool, TokenService tokens, AttachmentConfig attachments) {
        this.pool = pool;
        this.tokens = tokens;
        this.attachmentMaxSize = attachments.maxSize().asLongValue();
    }

    @POST
    @PermitAll
    public Uni<VisitorResponse> create(@PathParam("channelKey") String channelKey, @Valid VisitorRequest body) {
        VisitorRequest req = body == null ? new VisitorRequest(null, null, null, null, null, null, null) : body;
        if (req.attributes() != null && req.attributes().size() > MAX_ATTRIBUTES) {
            throw Problem.invalid("attributes", "at most " + MAX_ATTRIBUTES + " entries");
        }
        if (req.userId() != null && req.userHash() == null) {
            throw Problem.invalid("userHash", "required with userId");
        }
        // What the page says about its visitor: claims, see the class comment.
        JsonObject attributes = req.attributes() == null ? new JsonObject() : new JsonObject(req.attributes());
        if (attributes.encode().length() > 8192) {
            throw Problem.invalid("attributes", "at most 8 KiB");
        }
        // Keys and values alike: PostgreSQL's jsonb cannot hold U+0000.
        if (attributes.encode().contains("\\u0000")) {
            throw Problem.invalid("attributes", "must not contain U+0000");
        }
        // A removed channel (deleted_at) accepts no visitor: its key answers 404 like an unknown one.
        return pool.preparedQuery("select id, tenant_id, secret from channels where public_key = $1 and deleted_at is null")
                .execute(Tuple.of(channelKey))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw Problem.notFound("channel");
                    }
                    Row r = rows.iterator().next();
                    ChannelRef ch = new ChannelRef(r.getUUID("id"), r.getUUID("tenant_id"), r.getString("secret"));
                    if (req.userId() != null) {
                        if (!IdentityHash.verify(req.userId(), req.userHash(), ch.secret())) {
                            throw Problem.unauthorized("identity hash does not match");
                        }
                        return pool.withTransaction(conn -> identified(conn, ch, req, attributes));
                    }
                    return anonymous(ch, req, attributes);
                })
                // Tenant and channel come from the channel row, never from the request.
                .map(v -> {
                    TokenService.Issued issued = tokens.visitorToken(v.channel().tenantId().toString(), v.visitorId().toString(),
                            v.channel().id().toString(), req.name());
                    return new VisitorResponse(v.visitorId().toString(), issued.token(), issued.expiresAt(), v.secret(),
                            attachmentMaxSize);
                });
    }

    /**
     * An anonymous visitor comes back only with the secret their browser was given: the
     * visitorId alone is no credential, since staff see it on every message of the visitor.
     * Without a matching secret (none, a wrong one, a visitor of another channel or tenant, or
     * one created before secrets existed) the caller becomes a new visitor, so a widget of an
     * older version, which sends the id alone, keeps working and merely starts afresh.
     */
    private Uni<Resolved> anonymous(ChannelRef ch, VisitorRequest req, JsonObject claims) {
        UUID existing = parse(req.visitorId());
        if (existing == null || req.visitorSecret() == null) {
            return newAnonymous(ch, req, claims);
        }
        return pool.preparedQuery("""
                        select secret_hash from visitors
                        where id = $1 and channel_id = $2 and tenant_id = $3 and customer_id is null""")
                .execute(Tuple.of(existing, ch.id(), ch.tenantId()))
                .flatMap(rows -> {
                    byte[] stored = rows.iterator().hasNext() ? bytes(rows.iterator().next().getBuffer("secret_hash")) : null;
                    // Compared here in constant time, not in SQL.
                    if (!VisitorSecret.matches(req.visitorSecret(), stored)) {
                        return newAnonymous(ch, req, claims);
                    }
                    return pool.preparedQuery("""
                                    update visitors set last_seen_at = now(),
                                      name = coalesce($2, name), email = coalesce($3, email), claims = claims || $4
                                    where id = $1""")
                            .execute(Tuple.tuple(Arrays.asList(existing, req.name(), req.email(), claims)))
                            .map(x -> new Resolved(existing, ch, req.visitorSecret()));
                });
    }

    private Uni<Resolved> newAnonymous(ChannelRef ch, VisitorRequest req, JsonObject claims) {
        UUID id = UUID.randomUUID();
        String secret = VisitorSecret.generate();
        return pool.preparedQuery("""
                        insert into visitors (id, tenant_id, channel_id, name, email, claims, secret_hash)
                        values ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.tuple(Arrays.asList(id, ch.tenantId(), ch.id(), req.name(), req.email(), claims,
                        // The SQL client encodes the core Buffer, not its Mutiny wrapper.
                        io.vertx.core.buffer.Buffer.buffer(VisitorSecret.hash(secret)))))
                .map(x -> new Resolved(id, ch, secret));
    }

    private Uni<Resolved> identified(SqlClient conn, ChannelRef ch, VisitorRequest req, JsonObject claims) {
        // The signature covers the user id only. The page's attributes are claims and never
        // reach the customer record, which routing's customer side reads: only the tenant's
        // backend writes that (admin REST /customers). The page's name and email are claims
        // too: they fill what the record lacks and never replace what it holds, or any page that
        // learnt a customer's id and hash could rename them for every agent.
        return conn.preparedQuery("""
                        insert into customers (id, tenant_id, external_id, name, email)
                        values ($1, $2, $3, $4, $5)
                        on conflict (tenant_id, external_id) do update set
                          name = coalesce(customers.name, excluded.name),
                          email = coalesce(customers.email, excluded.email)
                        returning id""")
                .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), ch.tenantId(), req.userId(), req.name(), req.email())))
                .flatMap(rows -> {
                    UUID customerId = rows.iterator().next().getUUID("id");
                    return conn.preparedQuery("""
                                    insert into visitors (id, tenant_id, channel_id, customer_id, name, email, claims)
                                    values ($1, $2, $3, $4, $5, $6, $7)
                                    on conflict (channel_id, customer_id) where customer_id is not null do update set
                                      last_seen_at = now(),
                                      name = coalesce(excluded.name, visitors.name),
                                      email = coalesce(excluded.email, visitors.email),
                                      claims = visitors.claims || excluded.claims
                                    returning id""")
                            .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), ch.tenantId(), ch.id(), customerId,
                                    req.name(), req.email(), claims)));
                })
                .map(rows -> new Resolved(rows.iterator().next().getUUID("id"), ch, null));
    }

    private static byte[] bytes(Buffer b) {
        return b == null ? null : b.getBytes();
    }

    private static UUID parse(String id) {
        if (id == null) {
            return null;
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
