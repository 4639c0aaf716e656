package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.routing.live.Deadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.UUID;

/**
 * Sets and clears the timer deadlines of conversations (B6) as things happen: a visitor
 * message moves the auto-close deadline and starts the agent's reply clock, an agent reply
 * stops it, an assignment restarts it. Firing re-checks PostgreSQL, so a deadline left
 * behind by a change it did not hear of does no harm.
 */
@ApplicationScoped
public class TimerDeadlines {

    public static final String CLOSE = "close:";
    public static final String REASSIGN = "reassign:";

    /** Tenant timer settings; null minutes is off. */
    public record Settings(Integer autoCloseMinutes, Integer autoReassignMinutes) {
        static final Settings OFF = new Settings(null, null);
    }

    private final Pool pool;
    private final Deadlines deadlines;
    /** How long one "minute" of the settings lasts: a minute, shorter in tests. */
    private final Duration minute;

    TimerDeadlines(Pool pool, Deadlines deadlines,
                   @ConfigProperty(name = "switchboard.timers.minute", defaultValue = "PT1M") Duration minute) {
        this.pool = pool;
        this.deadlines = deadlines;
        this.minute = minute;
    }

    public Duration minutes(int n) {
        return minute.multipliedBy(n);
    }

    public Uni<Settings> settings(String tenantId) {
        return pool.preparedQuery("select auto_close_minutes, auto_reassign_minutes from tenant_settings where tenant_id = $1")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Settings.OFF;
                    }
                    var r = it.next();
                    return new Settings(r.getInteger("auto_close_minutes"), r.getInteger("auto_reassign_minutes"));
                });
    }

    /** The visitor wrote: visitor silence counts from now; if an agent holds it, their reply is owed from now unless already owed. */
    public Uni<Void> visitorWrote(String tenantId, String conversationId, boolean assigned) {
        return settings(tenantId).flatMap(s -> {
            long now = System.currentTimeMillis();
            Uni<Void> steps = Uni.createFrom().voidItem();
            if (s.autoCloseMinutes() != null) {
                steps = steps.flatMap(v -> deadlines.set(tenantId, CLOSE + conversationId, now + minutes(s.autoCloseMinutes()).toMillis()));
            }
            if (assigned && s.autoReassignMinutes() != null) {
                steps = steps.flatMap(v -> deadlines.setIfAbsent(tenantId, REASSIGN + conversationId,
                        now + minutes(s.autoReassignMinutes()).toMillis()));
            }
            return steps;
        }).onFailure().recoverWithNull();
    }

    /** The agent replied: nothing is owed any more. */
    public Uni<Void> agentReplied(String tenantId, String conversationId) {
        return deadlines.remove(tenantId, REASSIGN + conversationId).onFailure().recoverWithNull();
    }

    /** A (new) agent holds the conversation: their reply is owed from now. */
    public Uni<Void> assigned(String tenantId, String conversationId) {
        return settings(tenantId).flatMap(s -> s.autoReassignMinutes() == null ? Uni.createFrom().voidItem()
                : deadlines.set(tenantId, REASSIGN + conversationId,
                        System.currentTimeMillis() + minutes(s.autoReassignMinutes()).toMillis()))
                .onFailure().recoverWithNull();
    }
}
