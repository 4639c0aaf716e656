package io.switchboard.conversation;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.Fixtures;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery marks are gathered (docs/operations.md, "Message delivery"): a trickle of published
 * messages is marked by a few statements, not one each, and every mark still lands long before
 * the sweep's grace period.
 */
@QuarkusTest
class DeliveryMarksTest {

    /** Ids far above any message a test stores, so no other test's rows are touched. */
    private static final AtomicLong NEXT_ID = new AtomicLong(9_000_000_000_000L + System.nanoTime() % 1_000_000_000L * 1_000);

    @Inject
    DeliveryMarks marks;

    private static List<Long> pending(int n) {
        List<Long> ids = new ArrayList<>();
        StringBuilder sql = new StringBuilder("insert into message_deliveries (message_id) values ");
        for (int i = 0; i < n; i++) {
            long id = NEXT_ID.incrementAndGet();
            ids.add(id);
            sql.append(i == 0 ? "" : ",").append('(').append(id).append(')');
        }
        try (Connection c = Fixtures.connect(); Statement s = c.createStatement()) {
            s.execute(sql.toString());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private static long left(List<Long> ids) {
        return Fixtures.count("select count(*) from message_deliveries where message_id between "
                + ids.get(0) + " and " + ids.get(ids.size() - 1));
    }

    @Test
    void aTrickleOfPublishedMessagesIsMarkedByAFewStatementsNotOneEach() throws InterruptedException {
        List<Long> ids = pending(20);
        long before = marks.statements();
        long start = System.nanoTime();
        for (long id : ids) {
            marks.delivered(id);
            Thread.sleep(5);
        }
        long trickleMillis = (System.nanoTime() - start) / 1_000_000;
        await().atMost(Duration.ofSeconds(1)).until(() -> left(ids) == 0);
        // Marked one by one, 20 marks 5 ms apart take 20 statements (each ends long before the
        // next mark). Gathered, one statement per linger (100 ms) that the trickle spans, plus
        // the rest: about 2 when the machine keeps time, more only when it stretched the trickle.
        assertThat(marks.statements() - before).isLessThanOrEqualTo(trickleMillis / 100 + 2);
    }

    @Test
    void aBurstLargerThanOneStatementTakesIsMarkedCompletely() {
        List<Long> ids = pending(1_234);
        ids.forEach(marks::delivered);
        await().atMost(Duration.ofSeconds(2)).until(() -> left(ids) == 0);
    }

    @Test
    void aMarkIsOneStatementOfLiteralIds() {
        assertThat(DeliveryMarks.relaxedDelete(List.of(1L, 22L, 333L))).isEqualTo(
                "set local synchronous_commit = off; delete from message_deliveries where message_id = any('{1,22,333}'::bigint[])");
    }
}
