package io.switchboard.knowledge;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/** Checks that the channels a reply or article names are the tenant's own: another tenant's id is refused like a made-up one. */
final class TenantChannels {

    private TenantChannels() {}

    static Uni<Void> check(SqlClient conn, UUID tenant, List<UUID> channelIds) {
        if (channelIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("select count(*) as n from channels where tenant_id = $1 and id = any($2) and deleted_at is null")
                .execute(Tuple.of(tenant, channelIds.toArray(UUID[]::new)))
                .map(rows -> {
                    if (rows.iterator().next().getLong("n") != channelIds.size()) {
                        throw Problem.invalid("channelIds", "not a channel of this tenant");
                    }
                    return null;
                });
    }
}
