package io.switchboard.event;

import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Marks published rows of a delivery table (message_deliveries, event_deliveries) done by
 * deleting them, made as cheap as the purpose allows: nobody waits for a mark, and it only
 * has to land before the sweep's grace period ends (seconds), not before any ack.
 *
 * <ul>
 * <li><b>Gathered.</b> A mark waits up to {@code linger} (100 ms) for others, or until
 * {@code batch} ids wait, and one statement at a time marks them all: at 4,000 messages a
 * second that is about ten statements a second, not one per message or per group commit.
 * <li><b>Not flushed synchronously.</b> The delete commits with {@code synchronous_commit =
 * off} for its own transaction only: its loss in a crash costs a repeated frame, which clients
 * tolerate (messages are dropped by seq, state frames describe the current state), so it does
 * not queue for the disk with the commits that acks wait for.
 * </ul>
 *
 * <p>A mark that fails only means the sweep publishes the row once more after the grace period.
 */
public final class GatheredMarks {

    private static final Logger LOG = Logger.getLogger(GatheredMarks.class);

    private final Pool pool;
    private final Vertx vertx;
    private final String table;
    private final String column;
    private final long lingerMillis;
    private final int maxBatch;
    private List<Long> waiting = new ArrayList<>();
    /** A statement is running, or a timer will send what waits: either way a flush is coming. */
    private boolean flushComing;
    private boolean inFlight;
    private final AtomicLong statements = new AtomicLong();

    /** Marks rows of {@code table} by their bigint {@code column}; both are constants of the caller, never input. */
    public GatheredMarks(Pool pool, Vertx vertx, String table, String column, Duration linger, int batch) {
        this.pool = pool;
        this.vertx = vertx;
        this.table = table;
        this.column = column;
        this.lingerMillis = Math.max(0, linger.toMillis());
        this.maxBatch = Math.max(1, batch);
    }

    public void delivered(long id) {
        List<Long> batch = null;
        boolean schedule = false;
        synchronized (this) {
            waiting.add(id);
            if (!inFlight && (waiting.size() >= maxBatch || lingerMillis == 0)) {
                batch = take();
            } else if (!flushComing) {
                flushComing = true;
                schedule = true;
            }
        }
        if (batch != null) {
            send(batch);
        } else if (schedule) {
            vertx.setTimer(Math.max(1, lingerMillis), t -> lingered());
        }
    }

    /** The linger ran out: send what waits, unless a statement is running (its end sends it). */
    private void lingered() {
        List<Long> batch;
        synchronized (this) {
            flushComing = false;
            if (inFlight || waiting.isEmpty()) {
                return;
            }
            batch = take();
        }
        send(batch);
    }

    /** Up to a batch of the waiting ids; the caller holds the lock. */
    private List<Long> take() {
        List<Long> batch;
        if (waiting.size() <= maxBatch) {
            batch = waiting;
            waiting = new ArrayList<>();
        } else {
            batch = new ArrayList<>(waiting.subList(0, maxBatch));
            waiting = new ArrayList<>(waiting.subList(maxBatch, waiting.size()));
        }
        inFlight = true;
        return batch;
    }

    /** Statements sent since start: for tests, which must know that marks were gathered. */
    public long statements() {
        return statements.get();
    }

    private void send(List<Long> ids) {
        statements.incrementAndGet();
        pool.query(relaxedDelete(table, column, ids)).execute().subscribe().with(
                rows -> done(),
                failure -> {
                    LOG.debugf("marking %d rows of %s delivered failed (the sweep will publish them again): %s",
                            ids.size(), table, failure.getMessage());
                    done();
                });
    }

    /**
     * A statement ended. A full batch that waited goes at once; a smaller rest waits for its
     * linger like any other, so a steady trickle is still gathered.
     */
    private void done() {
        List<Long> next = null;
        boolean schedule = false;
        synchronized (this) {
            inFlight = false;
            if (waiting.size() >= maxBatch || (lingerMillis == 0 && !waiting.isEmpty())) {
                next = take();
            } else if (!waiting.isEmpty() && !flushComing) {
                flushComing = true;
                schedule = true;
            }
        }
        if (next != null) {
            send(next);
        } else if (schedule) {
            vertx.setTimer(Math.max(1, lingerMillis), t -> lingered());
        }
    }

    /**
     * The mark as one simple query: its two statements run as one implicit transaction, so
     * the {@code set local} covers exactly this delete, and a failure rolls both back and
     * leaves the pooled connection clean. Ids are numbers this replica recorded, written as an
     * array literal (the simple query protocol has no parameters).
     */
    public static String relaxedDelete(String table, String column, List<Long> ids) {
        StringBuilder sql = new StringBuilder(96 + ids.size() * 12)
                .append("set local synchronous_commit = off; delete from ").append(table).append(" where ")
                .append(column).append(" = any('{");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                sql.append(',');
            }
            sql.append(ids.get(i).longValue());
        }
        return sql.append("}'::bigint[])").toString();
    }
}
