package io.switchboard.timer;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.ConversationService;
import io.switchboard.conversation.QueueDispatcher;
import io.switchboard.conversation.TimerDeadlines;
import io.switchboard.routing.live.Deadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Fires due auto-close and auto-reassign deadlines (B6). Every replica polls; each due
 * deadline is claimed with ZREM so exactly one replica fires it, and the firing re-checks
 * the silence in PostgreSQL before it changes anything.
 */
@ApplicationScoped
public class ConversationTimers {

    private static final Logger LOG = Logger.getLogger(ConversationTimers.class);
    /** Deadlines fired per tenant per poll; the rest wait for the next poll. */
    static final int BATCH = 200;

    private final Pool pool;
    private final Deadlines deadlines;
    private final TimerDeadlines timers;
    private final ConversationService conversations;
    private final QueueDispatcher dispatcher;

    ConversationTimers(Pool pool, Deadlines deadlines, TimerDeadlines timers, ConversationService conversations,
                       QueueDispatcher dispatcher) {
        this.pool = pool;
        this.deadlines = deadlines;
        this.timers = timers;
        this.conversations = conversations;
        this.dispatcher = dispatcher;
    }

    @Scheduled(every = "${switchboard.timers.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return pool.query("""
                        select tenant_id from tenant_settings
                        where auto_close_minutes is not null or auto_reassign_minutes is not null""")
                .execute()
                .flatMap(rows -> {
                    List<Uni<Void>> runs = new ArrayList<>();
                    for (Row r : rows) {
                        runs.add(fireDue(r.getUUID("tenant_id").toString()));
                    }
                    return runs.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(runs).andCollectFailures().replaceWithVoid();
                })
                .onFailure().invoke(e -> LOG.debugf(e, "timer poll failed"))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> fireDue(String tenantId) {
        return deadlines.due(tenantId, System.currentTimeMillis(), BATCH).flatMap(due -> {
            if (due.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return timers.settings(tenantId).flatMap(settings -> {
                List<Uni<Void>> fires = new ArrayList<>();
                for (String member : due) {
                    fires.add(deadlines.claim(tenantId, member).flatMap(mine -> mine
                            ? fire(tenantId, member, settings).onFailure().invoke(e -> LOG.warnf(e, "timer %s failed", member))
                                    .onFailure().recoverWithNull()
                            : Uni.createFrom().voidItem()));
                }
                return Uni.join().all(fires).andCollectFailures().replaceWithVoid();
            });
        });
    }

    private Uni<Void> fire(String tenantId, String member, TimerDeadlines.Settings settings) {
        if (member.startsWith(TimerDeadlines.CLOSE) && settings.autoCloseMinutes() != null) {
            int minutes = settings.autoCloseMinutes();
            return conversations.closeSilent(tenantId, member.substring(TimerDeadlines.CLOSE.length()),
                    timers.minutes(minutes), minutes).replaceWithVoid();
        }
        if (member.startsWith(TimerDeadlines.REASSIGN) && settings.autoReassignMinutes() != null) {
            int minutes = settings.autoReassignMinutes();
            return dispatcher.reassignSilent(tenantId, member.substring(TimerDeadlines.REASSIGN.length()),
                    timers.minutes(minutes), minutes).replaceWithVoid();
        }
        // Switched off since the deadline was set.
        return Uni.createFrom().voidItem();
    }
}
