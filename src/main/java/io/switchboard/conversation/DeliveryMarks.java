package io.switchboard.conversation;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Marks published messages delivered (deletes their {@code message_deliveries} rows) so the
 * delivery sweep leaves them alone. The one write this adds to the hot path, so it is
 * shared: one statement runs at a time, and every message published meanwhile waits for the
 * next one, which marks them all. Under load that is one statement for many messages (fewer
 * than the group commits that stored them); when quiet, one per message, at once.
 *
 * <p>Fire and forget: the ack never waits for it. A mark that fails only means the sweep
 * publishes the message once more after the grace period; clients drop a seq they hold.
 *
 * <p>Committed without waiting for the WAL flush ({@code synchronous_commit = off} for this
 * transaction only). A mark is the one write here whose loss costs nothing but a repeated
 * frame, and waiting for its flush doubled the commits a message waits behind: at light load
 * every message is its own group commit, and every mark was one more synchronous commit
 * competing with them for the disk. The flush still happens within PostgreSQL's
 * {@code wal_writer_delay}; a crash before it loses only marks, and the sweep re-publishes
 * those messages.
 */
@ApplicationScoped
class DeliveryMarks {

    private static final Logger LOG = Logger.getLogger(DeliveryMarks.class);

    static final String DELETE = "delete from message_deliveries where message_id = any($1)";

    /**
     * The mark as one simple query: its two statements run as one implicit transaction, so
     * the {@code set local} covers exactly this delete, and a failure rolls both back and
     * leaves the pooled connection clean. Ids are numbers this replica stored, written as an
     * array literal (the simple query protocol has no parameters).
     */
    static String relaxedDelete(List<Long> ids) {
        StringBuilder sql = new StringBuilder(96 + ids.size() * 12)
                .append("set local synchronous_commit = off; delete from message_deliveries where message_id = any('{");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                sql.append(',');
            }
            sql.append(ids.get(i).longValue());
        }
        return sql.append("}'::bigint[])").toString();
    }

    private final Pool pool;
    private List<Long> waiting = new ArrayList<>();
    private boolean inFlight;

    DeliveryMarks(Pool pool) {
        this.pool = pool;
    }

    void delivered(long messageId) {
        List<Long> batch;
        synchronized (this) {
            waiting.add(messageId);
            if (inFlight) {
                return;
            }
            batch = take();
        }
        send(batch);
    }

    /** The waiting ids; the caller holds the lock. */
    private List<Long> take() {
        List<Long> batch = waiting;
        waiting = new ArrayList<>();
        inFlight = true;
        return batch;
    }

    private void send(List<Long> ids) {
        pool.query(relaxedDelete(ids)).execute().subscribe().with(
                rows -> done(),
                failure -> {
                    LOG.debugf("marking %d messages delivered failed (the sweep will publish them again): %s",
                            ids.size(), failure.getMessage());
                    done();
                });
    }

    private void done() {
        List<Long> next;
        synchronized (this) {
            inFlight = false;
            if (waiting.isEmpty()) {
                return;
            }
            next = take();
        }
        send(next);
    }
}
