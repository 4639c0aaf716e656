package io.switchboard.timer;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.ConversationService;
import io.switchboard.conversation.SilentAgents;
import io.switchboard.conversation.TimerDeadlines;
import io.switchboard.conversation.TimerRetryConfig;
import io.switchboard.routing.live.Deadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fires due auto-close and auto-reassign deadlines (B6). Every replica polls; each due deadline
 * is claimed in Redis by moving it to a lease (its retry time), so exactly one replica fires
 * it, and the firing decides under the conversation's row lock in PostgreSQL before it changes
 * anything. Afterwards the deadline is removed, or moved to when the row says to look again; a
 * firing that failed leaves it at its lease and it is retried then, with a growing back-off.
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
    private final SilentAgents silentAgents;
    private final TimerRetryConfig retry;

    ConversationTimers(Pool pool, Deadlines deadlines, TimerDeadlines timers, ConversationService conversations,
                       SilentAgents silentAgents, TimerRetryConfig retry) {
        this.pool = pool;
        this.deadlines = deadlines;
        this.timers = timers;
        this.conversations = conversations;
        this.silentAgents = silentAgents;
        this.retry = retry;
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
        long now = System.currentTimeMillis();
        return deadlines.due(tenantId, now, BATCH).flatMap(due -> {
            if (due.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return timers.settings(tenantId).flatMap(settings -> {
                List<Uni<Void>> fires = new ArrayList<>();
                for (Deadlines.Due d : due) {
                    fires.add(deadlines.claim(tenantId, d, now, retry.backoff().toMillis(), retry.maxBackoff().toMillis())
                            .flatMap(lease -> lease.isEmpty() ? Uni.createFrom().voidItem()
                                    : fireClaimed(tenantId, d.member(), lease.get(), settings)));
                }
                return Uni.join().all(fires).andCollectFailures().replaceWithVoid();
            });
        });
    }

    /**
     * Fires one deadline this replica claimed, then settles it: removed when nothing is pending,
     * moved when the row says it falls due later. A failure leaves it at its lease (the retry).
     */
    Uni<Void> fireClaimed(String tenantId, String member, long lease, TimerDeadlines.Settings settings) {
        return fireOrConfirmOff(tenantId, member, settings)
                .flatMap(again -> again.isPresent()
                        ? deadlines.later(tenantId, member, lease, again.get().toEpochMilli())
                        : deadlines.done(tenantId, member, lease))
                .onFailure().invoke(e -> LOG.warnf(e, "timer %s of tenant %s failed; retried at %s", member, tenantId,
                        Instant.ofEpochMilli(lease)))
                .onFailure().recoverWithNull();
    }

    /**
     * Fires the deadline; when the settings at hand say its timer is off, they are read afresh
     * first: a replica's copy may be a couple of seconds old, and a deadline dropped on a stale
     * "off" would never fire.
     */
    private Uni<Optional<Instant>> fireOrConfirmOff(String tenantId, String member, TimerDeadlines.Settings settings) {
        if (on(member, settings)) {
            return fire(tenantId, member, settings);
        }
        timers.forget(tenantId);
        return timers.settings(tenantId).flatMap(fresh -> fire(tenantId, member, fresh));
    }

    private static boolean on(String member, TimerDeadlines.Settings settings) {
        return member.startsWith(TimerDeadlines.CLOSE) ? settings.autoCloseMinutes() != null
                : member.startsWith(TimerDeadlines.REASSIGN) && settings.autoReassignMinutes() != null;
    }

    private Uni<Optional<Instant>> fire(String tenantId, String member, TimerDeadlines.Settings settings) {
        if (member.startsWith(TimerDeadlines.CLOSE) && settings.autoCloseMinutes() != null) {
            int minutes = settings.autoCloseMinutes();
            return conversations.closeSilent(tenantId, member.substring(TimerDeadlines.CLOSE.length()),
                    timers.minutes(minutes), minutes);
        }
        if (member.startsWith(TimerDeadlines.REASSIGN) && settings.autoReassignMinutes() != null) {
            int minutes = settings.autoReassignMinutes();
            return silentAgents.reassign(tenantId, member.substring(TimerDeadlines.REASSIGN.length()),
                    timers.minutes(minutes), minutes);
        }
        // Switched off since the deadline was set.
        return Uni.createFrom().item(Optional.empty());
    }
}
