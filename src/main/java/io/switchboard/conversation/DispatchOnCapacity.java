package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.Committed;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Reaction;
import io.switchboard.routing.AgentStatus;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The dispatcher's reaction to room appearing for an agent: capacity freed (a close), a
 * raised limit, or the agent coming online. It serves every queue the agent may take from,
 * so the services that freed the room need not know the dispatcher exists.
 */
@ApplicationScoped
class DispatchOnCapacity implements Reaction {

    private final QueueDispatcher dispatcher;

    DispatchOnCapacity(QueueDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public Uni<Void> react(Committed committed) {
        DomainEvent e = committed.event();
        String agentId = null;
        if (e instanceof DomainEvent.CapacityFreed f) {
            agentId = f.agentId();
        } else if (e instanceof DomainEvent.AgentLimitChanged l) {
            agentId = l.agentId();
        } else if (e instanceof DomainEvent.AgentStatusChanged s && AgentStatus.ONLINE.wire().equals(s.status())) {
            agentId = s.agentId();
        }
        if (agentId == null) {
            return Uni.createFrom().voidItem();
        }
        // Not awaited: the change that freed the room is answered without waiting for the queue.
        dispatcher.dispatchForAgent(e.tenantId(), agentId).subscribe().with(x -> { }, x -> { });
        return Uni.createFrom().voidItem();
    }
}
