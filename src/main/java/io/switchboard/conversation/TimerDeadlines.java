package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.routing.live.Deadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;

/**
 * Sets and clears the timer deadlines of conversations (B6) as things happen: a visitor
 * message moves the auto-close deadline and starts the agent's reply clock, an agent reply
 * stops it, an assignment restarts both. The deadlines follow {@link Silence} from the rows
 * PostgreSQL keeps, so {@link #rebuild} sets them again when Redis lost them, and a firing
 * re-checks the row under its lock: a deadline left behind by a change it did not hear of
 * does no harm, and one set too early only makes the firing look again later.
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

    /**
     * The tenant's timer settings were committed: this replica reads them afresh, and the
     * deadlines of every open conversation are derived from the rows with the new minutes (so
     * switching a timer on covers the conversations already open, and shorter minutes take
     * effect at once). Another replica may still hold the old settings for up to
     * {@link #SETTINGS_TTL_MILLIS} and start conversations without a deadline meanwhile, so the
     * derivation runs once more when every replica's copy has expired. Must run after the
     * commit: a read between a forget and the commit would keep the old settings.
     */
    public Uni<Void> settingsChanged(String tenantId) {
        forget(tenantId);
        Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(SETTINGS_TTL_MILLIS + SETTINGS_TTL_MILLIS / 2))
                .flatMap(v -> rebuild(tenantId, true))
                .subscribe().with(n -> { }, e -> { });
        return rebuild(tenantId, true).replaceWithVoid().onFailure().recoverWithNull();
    }

    /**
     * What the timers need of a conversation, with PostgreSQL's clock. The first visitor message
     * after the agent's last reply is looked up only when a reply is owed, through the
     * messages' (conversation, seq) index: at rebuild and firing time, never on the message path.
     */
    private static final String FACTS = """
            select c.id, c.state, c.assigned_at, c.last_visitor_message_at, c.last_agent_message_at, clock_timestamp() as now,
                   case when c.last_agent_message_at >= c.assigned_at and c.last_visitor_message_at > c.last_agent_message_at
                        then (select min(m.created_at) from messages m where m.conversation_id = c.id
                                and m.sender_kind = 'visitor' and m.created_at > c.last_agent_message_at) end as first_unanswered
            from conversations c""";

    /** One conversation's timer facts, and PostgreSQL's time when they were read. */
    public record Read(String conversationId, Silence.Facts facts, Instant now) {

        static Read of(Row r) {
            return new Read(r.getUUID("id").toString(), new Silence.Facts(r.getString("state"), inst(r, "assigned_at"),
                    inst(r, "last_visitor_message_at"), inst(r, "last_agent_message_at"), inst(r, "first_unanswered")),
                    inst(r, "now"));
        }

        private static Instant inst(Row r, String column) {
            OffsetDateTime t = r.getOffsetDateTime(column);
            return t == null ? null : t.toInstant();
        }
    }

    /**
     * Locks the conversation's row and reads its timer facts, inside the caller's transaction:
     * a firing decides on what no message can change before it commits.
     */
    public static Uni<Optional<Read>> lockFacts(SqlConnection conn, String tenantId, String conversationId) {
        return conn.preparedQuery(FACTS + " where c.id = $1 and c.tenant_id = $2 for update of c")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId)))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(Read.of(it.next())) : Optional.<Read>empty();
                });
    }

    /**
     * Sets the deadlines of every open conversation of the tenant from PostgreSQL's rows (after
     * Redis lost them, and at start-up), leaving alone any deadline pending already. Answers how
     * many it derived.
     */
    public Uni<Integer> rebuild(String tenantId) {
        return rebuild(tenantId, false);
    }

    /** As {@link #rebuild(String)}; with {@code earlierWins} a pending deadline later than the derived one is moved. */
    private Uni<Integer> rebuild(String tenantId, boolean earlierWins) {
        forget(tenantId);
        return settings(tenantId).flatMap(s -> {
            if (s.autoCloseMinutes() == null && s.autoReassignMinutes() == null) {
                return Uni.createFrom().item(0);
            }
            return pool.preparedQuery(FACTS + " where c.tenant_id = $1 and c.state = 'open'")
                    .execute(Tuple.of(UUID.fromString(tenantId)))
                    .flatMap(rows -> {
                        Map<String, Long> due = new HashMap<>();
                        for (Row r : rows) {
                            Read read = Read.of(r);
                            if (s.autoCloseMinutes() != null) {
                                Instant at = Silence.closeDueAt(read.facts(), minutes(s.autoCloseMinutes()));
                                if (at != null) {
                                    due.put(CLOSE + read.conversationId(), at.toEpochMilli());
                                }
                            }
                            if (s.autoReassignMinutes() != null) {
                                Instant at = Silence.reassignDueAt(read.facts(), minutes(s.autoReassignMinutes()));
                                if (at != null) {
                                    due.put(REASSIGN + read.conversationId(), at.toEpochMilli());
                                }
                            }
                        }
                        return (earlierWins ? deadlines.setAllEarlier(tenantId, due) : deadlines.setAllIfAbsent(tenantId, due))
                                .replaceWith(due.size());
                    });
        });
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

    /**
     * A (new) agent holds the conversation: their reply is owed from now, and the visitor's
     * silence counts from now too (waiting in the queue was not silence, see {@link Silence}).
     */
    public Uni<Void> assigned(String tenantId, String conversationId) {
        return settings(tenantId).flatMap(s -> {
            long now = System.currentTimeMillis();
            Uni<Void> steps = Uni.createFrom().voidItem();
            if (s.autoCloseMinutes() != null) {
                steps = steps.flatMap(v -> deadlines.set(tenantId, CLOSE + conversationId, now + minutes(s.autoCloseMinutes()).toMillis()));
            }
            if (s.autoReassignMinutes() != null) {
                steps = steps.flatMap(v -> deadlines.set(tenantId, REASSIGN + conversationId, now + minutes(s.autoReassignMinutes()).toMillis()));
            }
            return steps;
        }).onFailure().recoverWithNull();
    }
}
