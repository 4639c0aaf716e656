package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
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
