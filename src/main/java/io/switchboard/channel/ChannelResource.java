package io.switchboard.channel;

import io.smallrye.mutiny.Uni;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The tenant's channels by name, for every staff member: the console's queue filter needs
 * to name the channels agents see in the queue, and agents may not read the admin settings.
 * Nothing secret is listed (no keys, no secrets).
 */
@Path("/api/v1/channels")
public class ChannelResource {

    /**
     * @param kind    {@code web}, {@code wechat} or {@code api}
     * @param removed the channel was removed (DELETE /admin/channels/{id}): listed still, since its
     *                conversations stay readable and may still wait in the queue and need its name,
     *                but no longer offered where a channel is chosen
     */
    public record ChannelView(String id, String name, String kind, boolean removed) {}

    private final CurrentCaller current;
    private final Pool pool;

    ChannelResource(CurrentCaller current, Pool pool) {
        this.current = current;
        this.pool = pool;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "The tenant's channels (id, name, kind, removed), by name")
    public Uni<List<ChannelView>> list() {
        Caller caller = current.staff();
        return pool.preparedQuery("select id, name, kind, deleted_at is not null as removed from channels where tenant_id = $1 order by name, id")
                .execute(Tuple.of(UUID.fromString(caller.tenantId())))
                .map(rows -> {
                    List<ChannelView> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new ChannelView(r.getUUID("id").toString(), r.getString("name"), r.getString("kind"),
                                r.getBoolean("removed")));
                    }
                    return out;
                });
    }
}
