package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.routing.live.Deadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    /** How long a replica keeps a tenant's timer settings. */
    static final long SETTINGS_TTL_MILLIS = 2_000;

    private record Cached(Settings settings, long readAt) {}

    private final Map<String, Cached> settingsCache = new ConcurrentHashMap<>();
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

    /**
     * The tenant's timer settings. Every visitor message needs them, so they are kept for
     * {@link #SETTINGS_TTL_MILLIS}: a change made over the admin REST reaches this replica's
     * timers within that time (at once on the replica that saved it, see {@link #forget}).
     */
    public Uni<Settings> settings(String tenantId) {
        Cached cached = settingsCache.get(tenantId);
        long now = System.currentTimeMillis();
        if (cached != null && now - cached.readAt() < SETTINGS_TTL_MILLIS) {
            return Uni.createFrom().item(cached.settings());
        }
        return pool.preparedQuery("select auto_close_minutes, auto_reassign_minutes from tenant_settings where tenant_id = $1")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .map(rows -> {
                    var it = rows.iterator();
                    Settings s = Settings.OFF;
                    if (it.hasNext()) {
                        var r = it.next();
                        s = new Settings(r.getInteger("auto_close_minutes"), r.getInteger("auto_reassign_minutes"));
                    }
                    settingsCache.put(tenantId, new Cached(s, now));
                    return s;
                });
    }

    /** The tenant's settings changed: read them afresh next time. */
    public void forget(String tenantId) {
        settingsCache.remove(tenantId);
    }

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
