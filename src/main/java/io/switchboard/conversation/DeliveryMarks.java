package io.switchboard.conversation;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
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
 */
@ApplicationScoped
class DeliveryMarks {

    private static final Logger LOG = Logger.getLogger(DeliveryMarks.class);

    static final String DELETE = "delete from message_deliveries where message_id = any($1)";

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
        pool.preparedQuery(DELETE).execute(Tuple.of(ids.toArray(new Long[0]))).subscribe().with(
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
