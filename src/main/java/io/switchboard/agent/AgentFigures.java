package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.VisibilitySql;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The console's header figures for one agent (C11): how many visitors wait in the queues
 * the agent serves, and how many conversations the agent received since a given instant.
 */
@ApplicationScoped
public class AgentFigures {

    public record Counts(long queueLength, long receivedToday) {}

    // "Received" counts conversations whose assignee is the agent: one transferred away later
    // is no longer theirs, so it drops out, as C11 asks. "Queued" counts what the agent's queue
    // view lists (the visibility rule: their groups and the groups rules pool with them, their
    // channels if they are limited to some; a conversation without a group waits for everyone).
    private static final String SQL = """
            select
              (select count(*) from conversations c
                 where c.tenant_id = $1 and c.state = 'queued' and """ + VisibilitySql.agentSees("c", "$1", "$2") + """
              ) as queued,
              (select count(*) from conversations c
                 where c.tenant_id = $1 and c.assignee_id = $2 and c.assigned_at >= $3
              ) as received""";

    private final Pool pool;

    AgentFigures(Pool pool) {
        this.pool = pool;
    }

    public Uni<Counts> counts(String tenantId, String agentId, Instant since) {
        return pool.preparedQuery(SQL)
                .execute(Tuple.of(UUID.fromString(tenantId), UUID.fromString(agentId), since.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Counts(r.getLong("queued"), r.getLong("received"));
                });
    }
}
