package io.switchboard.timer;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.QueueDispatcher;
import io.switchboard.conversation.RuleRouting;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Safety net for the queue: dispatch is triggered by every event that frees capacity,
 * but a replica that dies between freeing and dispatching would leave visitors waiting;
 * one that dies before a new conversation's rule placed it would leave it held for routing.
 * Any replica may run this; the claim keeps it exact.
 */
@ApplicationScoped
public class QueueSweep {

    private final Pool pool;
    private final QueueDispatcher dispatcher;
    private final RuleRouting routing;

    QueueSweep(Pool pool, QueueDispatcher dispatcher, RuleRouting routing) {
        this.pool = pool;
        this.dispatcher = dispatcher;
        this.routing = routing;
    }

    @Scheduled(every = "${switchboard.queue.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return routing.routeStuck().flatMap(v -> pool.query("select distinct tenant_id, group_id from conversations where state = 'queued'").execute()
                .flatMap(rows -> {
                    List<Uni<Void>> runs = new ArrayList<>();
                    for (Row r : rows) {
                        runs.add(dispatcher.dispatch(r.getUUID("tenant_id").toString(),
                                r.getUUID("group_id") == null ? null : r.getUUID("group_id").toString()));
                    }
                    return runs.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(runs).andCollectFailures().replaceWithVoid();
                }))
                .onFailure().recoverWithNull();
    }
}
