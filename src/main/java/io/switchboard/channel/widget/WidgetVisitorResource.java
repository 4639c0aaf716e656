package io.switchboard.channel.widget;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.security.IdentityHash;
import io.switchboard.security.TokenService;
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
 * with their visitorId; identified customers prove who they are with the HMAC their
 * tenant's backend computed with the channel secret.
 */
@Path("/api/v1/widget/{channelKey}/visitors")
public class WidgetVisitorResource {

    public static final int MAX_ATTRIBUTES = 50;

    public record VisitorRequest(@Size(max = 64) String visitorId,
                                 @Size(max = 200) String userId,
                                 @Size(max = 128) String userHash,
                                 @Size(max = 200) String name,
                                 @Email @Size(max = 320) String email,
                                 Map<String, Object> attributes) {}

    public record VisitorResponse(String visitorId, String visitorToken, Instant expiresAt) {}

    private record ChannelRef(UUID id, UUID tenantId, String secret) {}

    private final Pool pool;
    private final TokenService tokens;

    WidgetVisitorResource(Pool pool, TokenService tokens) {
        this.pool = pool;
        this.tokens = tokens;
    }

    @POST
    @PermitAll
    public Uni<VisitorResponse> create(@PathParam("channelKey") String channelKey, @Valid VisitorRequest body) {
        VisitorRequest req = body == null ? new VisitorRequest(null, null, null, null, null, null) : body;
        if (req.attributes() != null && req.attributes().size() > MAX_ATTRIBUTES) {
            throw Problem.invalid("attributes", "at most " + MAX_ATTRIBUTES + " entries");
        }
        if (req.userId() != null && req.userHash() == null) {
            throw Problem.invalid("userHash", "required with userId");
        }
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
                .map(ids -> {
                    TokenService.Issued issued = tokens.visitorToken(ids[1], ids[0], ids[2], req.name());
                    return new VisitorResponse(ids[0], issued.token(), issued.expiresAt());
                });
    }

    /** Returns {visitorId, tenantId, channelId}. */
    private Uni<String[]> anonymous(ChannelRef ch, VisitorRequest req, JsonObject attributes) {
        Uni<Boolean> reuse = Uni.createFrom().item(false);
        UUID existing = parse(req.visitorId());
        if (existing != null) {
            reuse = pool.preparedQuery("""
                            update visitors set last_seen_at = now(),
                              name = coalesce($4, name), email = coalesce($5, email), attributes = attributes || $6
                            where id = $1 and channel_id = $2 and tenant_id = $3 and customer_id is null""")
                    .execute(Tuple.tuple(Arrays.asList(existing, ch.id(), ch.tenantId(), req.name(), req.email(), attributes)))
                    .map(rows -> rows.rowCount() == 1);
        }
        return reuse.flatMap(found -> {
            if (found) {
                return Uni.createFrom().item(ids(existing, ch));
            }
            UUID id = UUID.randomUUID();
            return pool.preparedQuery("""
                            insert into visitors (id, tenant_id, channel_id, name, email, attributes)
                            values ($1, $2, $3, $4, $5, $6)""")
                    .execute(Tuple.tuple(Arrays.asList(id, ch.tenantId(), ch.id(), req.name(), req.email(), attributes)))
                    .map(x -> ids(id, ch));
        });
    }

    private Uni<String[]> identified(SqlClient conn, ChannelRef ch, VisitorRequest req, JsonObject attributes) {
        // The signature covers the user id only, not the attributes a page passes: the tier,
        // which routing trusts (rules for VIPs), is set by the tenant's CRM over the admin REST.
        JsonObject unsignedAttributes = attributes.copy();
        unsignedAttributes.remove("tier");
        return conn.preparedQuery("""
                        insert into customers (id, tenant_id, external_id, name, email, attributes)
                        values ($1, $2, $3, $4, $5, $6)
                        on conflict (tenant_id, external_id) do update set
                          name = coalesce(excluded.name, customers.name),
                          email = coalesce(excluded.email, customers.email),
                          attributes = customers.attributes || excluded.attributes
                        returning id""")
                .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), ch.tenantId(), req.userId(), req.name(), req.email(), unsignedAttributes)))
                .flatMap(rows -> {
                    UUID customerId = rows.iterator().next().getUUID("id");
                    return conn.preparedQuery("""
                                    insert into visitors (id, tenant_id, channel_id, customer_id, name, email, attributes)
                                    values ($1, $2, $3, $4, $5, $6, $7)
                                    on conflict (channel_id, customer_id) where customer_id is not null do update set
                                      last_seen_at = now(),
                                      name = coalesce(excluded.name, visitors.name),
                                      email = coalesce(excluded.email, visitors.email)
                                    returning id""")
                            .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), ch.tenantId(), ch.id(), customerId,
                                    req.name(), req.email(), attributes)));
                })
                .map(rows -> ids(rows.iterator().next().getUUID("id"), ch));
    }

    private static String[] ids(UUID visitorId, ChannelRef ch) {
        return new String[] {visitorId.toString(), ch.tenantId().toString(), ch.id().toString()};
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
