package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.live.LiveAgents;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps an agent's live hash in Redis present: when Redis has lost it (restart, flush)
 * or never had it (agent created by an admin), it is seeded from PostgreSQL's truth.
 */
@ApplicationScoped
public class LiveAgentState {

    private final AgentStore agents;
    private final LiveAgents live;

    LiveAgentState(AgentStore agents, LiveAgents live) {
        this.agents = agents;
        this.live = live;
    }

    public Uni<Void> seed(SqlClient client, String tenantId, String agentId) {
        return agents.find(client, tenantId, agentId).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            var a = found.get();
            return agents.openLoad(client, tenantId, agentId)
                    .flatMap(load -> live.seed(tenantId, agentId, a.status(), a.maxConcurrent(), load))
                    .replaceWithVoid();
        });
    }

    /**
     * Sets the live status after PostgreSQL's changed. No live copy: seeds it, then sets the
     * value again, since a rebuild running at the same moment (the reconciler, another replica)
     * may have read PostgreSQL before the change committed and seeded the old value first; the
     * seed then leaves that copy alone, and only the second set makes it this change's.
     */
    public Uni<Void> changeStatus(SqlClient client, String tenantId, String agentId, AgentStatus status) {
        return live.setStatus(tenantId, agentId, status).flatMap(present -> present ? Uni.createFrom().voidItem()
                : seed(client, tenantId, agentId).flatMap(v -> live.setStatus(tenantId, agentId, status)).replaceWithVoid());
    }

    /** The same for the limit. */
    public Uni<Void> changeMax(SqlClient client, String tenantId, String agentId, int max) {
        return live.setMax(tenantId, agentId, max).flatMap(present -> present ? Uni.createFrom().voidItem()
                : seed(client, tenantId, agentId).flatMap(v -> live.setMax(tenantId, agentId, max)).replaceWithVoid());
    }

    public Uni<LiveAgents.LiveState> current(String tenantId, String agentId) {
        return live.state(tenantId, agentId).flatMap(s -> s.present()
                ? Uni.createFrom().item(s)
                : seed(agents.pool(), tenantId, agentId).flatMap(v -> live.state(tenantId, agentId)));
    }

    /** Gives back one unit of capacity; if Redis lost the hash, rebuilds it from PostgreSQL instead. */
    public Uni<Void> release(String tenantId, String agentId) {
        return live.release(tenantId, agentId).flatMap(ok -> ok
                ? Uni.createFrom().voidItem()
                : seed(agents.pool(), tenantId, agentId));
    }
}
