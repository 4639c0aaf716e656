package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queue loop: hands queued conversations to agents, oldest first (B4). Every new conversation enters
 * the queue and is dispatched from there, so a newcomer never overtakes a waiting visitor.
 *
 * <p>Each round is one batch of {@link Assignments}: it locks the heads of the queue with
 * {@code FOR UPDATE} ({@link QueueHeads}), decides their agents in memory, reserves them in
 * Redis and records them in PostgreSQL (DESIGN rule 1); its claims are announced while the
 * next batch is assigned. Batches of one group on different replicas therefore take turns on the head instead of
 * skipping it: with {@code SKIP LOCKED} a round that held the head while finding nobody
 * free let another replica's round serve the second visitor first.
 * Within a replica, one loop per group runs at a time and later requests only ask it to
 * go round again, so a burst of arrivals does not open a connection each.
 */
@ApplicationScoped
public class QueueDispatcher {

    private static final Logger LOG = Logger.getLogger(QueueDispatcher.class);
    /** Deadlocks or serialization failures in a row that a loop retries at once; the queue sweep catches up after that. */
    private static final int MAX_CONFLICT_RETRIES = 3;

    private final Assignments assignments;
    private final AgentStore agents;
    private final QueuePositions positions;
    private final Map<String, Loop> loops = new ConcurrentHashMap<>();

    QueueDispatcher(Assignments assignments, AgentStore agents, QueuePositions positions) {
        this.assignments = assignments;
        this.agents = agents;
        this.positions = positions;
    }

    /** One group's dispatch loop on this replica; {@code again} asks it to run once more. */
    private static final class Loop {
        boolean again;
        /** Lock conflicts in a row, retried at once up to {@link #MAX_CONFLICT_RETRIES}. */
        int conflicts;
    }

    /** Dispatches the group's queue until it is empty or nobody has capacity. Never fails. */
    public Uni<Void> dispatch(String tenantId, String groupId) {
        String key = tenantId + "/" + groupId;
        Loop fresh = new Loop();
        Loop running = loops.putIfAbsent(key, fresh);
        if (running != null) {
            synchronized (running) {
                if (loops.get(key) == running) {
                    running.again = true;
                    return Uni.createFrom().voidItem();
                }
            }
            return dispatch(tenantId, groupId);
        }
        return runLoop(tenantId, groupId, key, fresh);
    }

    private Uni<Void> runLoop(String tenantId, String groupId, String key, Loop loop) {
        return drain(tenantId, groupId, 0)
                .invoke(assigned -> loop.conflicts = 0)
                .onFailure().recoverWithItem(e -> {
                    if (ConversationStore.isTransientConflict(e) && loop.conflicts < MAX_CONFLICT_RETRIES) {
                        // PostgreSQL broke a lock cycle with another replica's batch (the order
                        // both lock in makes this rare): nothing was kept, so simply go again.
                        loop.conflicts++;
                        synchronized (loop) {
                            loop.again = true;
                        }
                        LOG.debugf(e, "dispatch of group %s hit a lock conflict; again", groupId);
                    } else {
                        loop.conflicts = 0;
                        LOG.warnf(e, "dispatch of group %s failed", groupId);
                    }
                    return 0;
                })
                .invoke(assigned -> publishPositions(tenantId, groupId))
                .flatMap(v -> {
                    synchronized (loop) {
                        if (loop.again) {
                            loop.again = false;
                            return runLoop(tenantId, groupId, key, loop);
                        }
                        loops.remove(key, loop);
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Integer> drain(String tenantId, String groupId, int assignedSoFar) {
        return assignments.assignBatch(tenantId, groupId).flatMap(batch -> {
            if (batch.assignments().isEmpty()) {
                return Uni.createFrom().item(assignedSoFar);
            }
            // After commit, the batch's assignments are announced while the next batch is
            // assigned: each conversation's frames keep their order, and the queue does not
            // wait for them.
            assignments.announce(batch.assignments()).subscribe().with(x -> { }, e -> LOG.debugf(e, "announcing a batch failed"));
            int total = assignedSoFar + batch.assignments().size();
            return batch.more() ? drain(tenantId, groupId, total) : Uni.createFrom().item(total);
        });
    }

    /** Tells the group's waiting visitors where they stand, soon and without repeating itself ({@link QueuePositions}). */
    public void publishPositions(String tenantId, String groupId) {
        positions.request(tenantId, groupId);
    }

    /**
     * Capacity freed or appeared for an agent: dispatch every queue they may serve, their
     * groups' and those a routing rule pools with them.
     */
    public Uni<Void> dispatchForAgent(String tenantId, String agentId) {
        return agents.servedQueues(tenantId, agentId).flatMap(groups -> {
            if (groups.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Uni<Void>> runs = new ArrayList<>();
            for (String g : groups) {
                runs.add(dispatch(tenantId, g));
            }
            return Uni.join().all(runs).andCollectFailures().replaceWithVoid();
        }).onFailure().recoverWithNull();
    }
}
