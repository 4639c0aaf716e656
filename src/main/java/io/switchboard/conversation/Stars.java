package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.security.Caller;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Stars (C3): a staff member marks a conversation they may see, for themselves only. Starring
 * twice or removing a star that is not there changes nothing; a conversation they may not see
 * answers 404 like an unknown one, so a star never tells whether another tenant's id exists.
 */
@ApplicationScoped
public class Stars {

    private final Pool pool;
    private final ConversationAccess access;

    Stars(Pool pool, ConversationAccess access) {
        this.pool = pool;
        this.access = access;
    }

    public Uni<Void> star(Caller caller, String conversationId) {
        return access.visible(caller, conversationId).flatMap(c -> pool.preparedQuery("""
                        insert into conversation_stars (user_id, conversation_id, tenant_id) values ($1, $2, $3)
                        on conflict do nothing""")
                .execute(Tuple.of(UUID.fromString(caller.id()), UUID.fromString(c.id()), UUID.fromString(c.tenantId())))
                .replaceWithVoid());
    }

    public Uni<Void> unstar(Caller caller, String conversationId) {
        return access.visible(caller, conversationId).flatMap(c -> pool.preparedQuery(
                        "delete from conversation_stars where user_id = $1 and conversation_id = $2")
                .execute(Tuple.of(UUID.fromString(caller.id()), UUID.fromString(c.id())))
                .replaceWithVoid());
    }

    public Uni<Boolean> starred(Caller caller, String conversationId) {
        return pool.preparedQuery("select 1 from conversation_stars where user_id = $1 and conversation_id = $2")
                .execute(Tuple.of(UUID.fromString(caller.id()), UUID.fromString(conversationId)))
                .map(rows -> rows.size() > 0);
    }
}
