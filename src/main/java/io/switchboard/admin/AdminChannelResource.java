package io.switchboard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.switchboard.channel.ChannelKind;
import io.switchboard.common.Problem;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The tenant's channels (A5): create, list, read, change, remove, and rotate the secret.
 * Only web channels can be created in this version ({@link ChannelKind}). The secret (the HMAC
 * key of signed customer identities) is answered once, on creation and on rotation, and never
 * listed. Removal is soft: the widget stops accepting visitors, history stays readable.
 */
@Path("/api/v1/admin/channels")
@Tag(name = "Admin: channels")
public class AdminChannelResource {

    /** @param kind {@code web}; {@code wechat} and {@code api} are refused until their adapters exist */
    public record ChannelBody(String name, String kind, String key, String groupId) {}

    /**
     * A channel as administrators see it. {@code secret} appears only in the answers to
     * creation and rotation: store it in your backend then, it cannot be read again.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChannelView(String id, String name, String kind, String key, String groupId, Instant createdAt,
                              String secret) {}

    private static final String COLUMNS = "id, name, kind, public_key, group_id, created_at";

    private final CurrentCaller current;
    private final Pool pool;

    AdminChannelResource(CurrentCaller current, Pool pool) {
        this.current = current;
        this.pool = pool;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The tenant's channels (removed ones left out), by name; never their secrets")
    public Uni<List<ChannelView>> list() {
        return pool.preparedQuery("select " + COLUMNS + " from channels where tenant_id = $1 and deleted_at is null order by name, id")
                .execute(Tuple.of(tenant()))
                .map(rows -> {
                    List<ChannelView> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(view(r, null));
                    }
                    return out;
                });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "One channel, without its secret")
    public Uni<ChannelView> get(@PathParam("id") String id) {
        return pool.preparedQuery("select " + COLUMNS + " from channels where id = $1 and tenant_id = $2 and deleted_at is null")
                .execute(Tuple.of(AdminAgentResource.uuid(id), tenant()))
                .map(rows -> view(single(rows), null));
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a web channel; the answer carries its secret, shown this once")
    public Uni<Response> create(ChannelBody body) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        ChannelRules.Settings s = ChannelRules.forCreate(body.name(), body.kind(), body.key(), body.groupId());
        UUID tenant = tenant();
        UUID id = UUID.randomUUID();
        String key = s.key().orElseGet(() -> ChannelRules.newKey(s.kind()));
        String secret = ChannelRules.newSecret();
        return pool.withTransaction(conn -> groupOfTenant(conn, tenant, s.groupId())
                        .flatMap(v -> conn.preparedQuery("""
                                        insert into channels (id, tenant_id, kind, name, public_key, secret, group_id)
                                        values ($1, $2, $3, $4, $5, $6, $7)
                                        returning""" + " " + COLUMNS)
                                .execute(Tuple.tuple(Arrays.asList(id, tenant, s.kind().wire(), s.name(), key, secret, s.groupId())))))
                .onFailure(keyConflict()).transform(e -> keyTaken(key))
                .map(rows -> Response.status(201).entity(view(single(rows), secret)).build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a channel's name, key or group; fields left out stay as they are. A new key breaks widgets embedded with the old one")
    public Uni<ChannelView> update(@PathParam("id") String id, ChannelBody body) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        UUID channelId = AdminAgentResource.uuid(id);
        UUID tenant = tenant();
        return pool.withTransaction(conn -> conn.preparedQuery(
                                "select kind from channels where id = $1 and tenant_id = $2 and deleted_at is null for update")
                        .execute(Tuple.of(channelId, tenant))
                        .flatMap(rows -> {
                            Row r = single(rows);
                            ChannelKind kind = ChannelKind.parse(r.getString("kind")).orElseThrow();
                            ChannelRules.Settings s = ChannelRules.forUpdate(kind, body.name(), body.kind(), body.key(), body.groupId());
                            return groupOfTenant(conn, tenant, s.groupId()).flatMap(v -> conn.preparedQuery("""
                                            update channels set name = coalesce($3, name), public_key = coalesce($4, public_key),
                                              group_id = coalesce($5, group_id)
                                            where id = $1 and tenant_id = $2
                                            returning""" + " " + COLUMNS)
                                    .execute(Tuple.tuple(Arrays.asList(channelId, tenant, s.name(), s.key().orElse(null), s.groupId()))));
                        }))
                .onFailure(keyConflict()).transform(e -> keyTaken(body.key()))
                .map(rows -> view(single(rows), null));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Remove a channel: the widget stops accepting visitors for it; its conversations and messages are kept")
    public Uni<Response> delete(@PathParam("id") String id) {
        return pool.preparedQuery("update channels set deleted_at = now() where id = $1 and tenant_id = $2 and deleted_at is null")
                .execute(Tuple.of(AdminAgentResource.uuid(id), tenant()))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw Problem.notFound("channel");
                    }
                    return Response.noContent().build();
                });
    }

    @POST
    @Path("/{id}/secret")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Replace the channel's secret; identities signed with the old one stop verifying at once. The answer shows the new secret this once")
    public Uni<ChannelView> rotateSecret(@PathParam("id") String id) {
        String secret = ChannelRules.newSecret();
        return pool.preparedQuery("update channels set secret = $3 where id = $1 and tenant_id = $2 and deleted_at is null returning " + COLUMNS)
                .execute(Tuple.of(AdminAgentResource.uuid(id), tenant(), secret))
                .map(rows -> view(single(rows), secret));
    }

    private UUID tenant() {
        return UUID.fromString(current.staff().tenantId());
    }

    /** A channel's group must be one of the tenant's: another tenant's group is as unknown as a missing one. */
    private static Uni<Void> groupOfTenant(SqlClient conn, UUID tenant, UUID groupId) {
        if (groupId == null) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("select 1 from agent_groups where id = $1 and tenant_id = $2")
                .execute(Tuple.of(groupId, tenant))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw Problem.invalid("groupId", "no such group");
                    }
                    return null;
                });
    }

    /** Keys are unique across the deployment (the widget finds its channel by key alone), removed channels' included. */
    private static Predicate<Throwable> keyConflict() {
        return e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                && pg.getConstraint() != null && pg.getConstraint().contains("public_key");
    }

    private static Problem keyTaken(String key) {
        return new Problem(409, "Conflict", "the key " + key + " is taken: choose another, or leave it out to get one",
                List.of(new Problem.FieldError("key", "taken")));
    }

    private static Row single(RowSet<Row> rows) {
        if (rows.size() == 0) {
            throw Problem.notFound("channel");
        }
        return rows.iterator().next();
    }

    private static ChannelView view(Row r, String secret) {
        UUID group = r.getUUID("group_id");
        OffsetDateTime created = r.getOffsetDateTime("created_at");
        return new ChannelView(r.getUUID("id").toString(), r.getString("name"), r.getString("kind"), r.getString("public_key"),
                group == null ? null : group.toString(), created == null ? null : created.toInstant(), secret);
    }
}
