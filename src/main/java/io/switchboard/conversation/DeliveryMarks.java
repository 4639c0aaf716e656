package io.switchboard.conversation;

import io.switchboard.event.DeliveryConfig;
import io.switchboard.event.GatheredMarks;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Marks published messages delivered (deletes their {@code message_deliveries} rows) so the
 * delivery sweep leaves them alone. The one write this adds to the message path, so the marks
 * are gathered and relaxed ({@link GatheredMarks}).
 */
@ApplicationScoped
class DeliveryMarks {

    static final String DELETE = "delete from message_deliveries where message_id = any($1)";

    private final GatheredMarks marks;

    DeliveryMarks(Pool pool, Vertx vertx, DeliveryConfig config) {
        this.marks = new GatheredMarks(pool, vertx, "message_deliveries", "message_id", config.markLinger(),
                config.markBatch());
    }

    void delivered(long messageId) {
        marks.delivered(messageId);
    }

    /** Statements sent since start: for tests, which must know that marks were gathered. */
    long statements() {
        return marks.statements();
    }

    static String relaxedDelete(List<Long> ids) {
        return GatheredMarks.relaxedDelete("message_deliveries", "message_id", ids);
    }
}
