package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.switchboard.routing.QueueDiscipline.LIFO;
import static org.assertj.core.api.Assertions.assertThat;

class QueueOrderTest {

    private static QueueEntry entry(String id, String channel, int second) {
        return new QueueEntry(id, channel, Instant.parse("2025-12-22T02:00:00Z").plusSeconds(second));
    }

    private static List<String> ids(List<QueueEntry> entries) {
        return entries.stream().map(QueueEntry::conversationId).toList();
    }

    @Test
    void withinAFirstInFirstOutChannelTheOldestIsServedFirst() {
        var order = QueueOrder.firstInFirstOut();
        assertThat(ids(order.order(List.of(entry("c3", "web", 30), entry("c1", "web", 10), entry("c2", "web", 20)))))
                .containsExactly("c1", "c2", "c3");
    }

    @Test
    void withinALastInFirstOutChannelTheNewestIsServedFirst() {
        var order = new QueueOrder(Map.of(), Map.of("web", LIFO));
        assertThat(ids(order.order(List.of(entry("c1", "web", 10), entry("c3", "web", 30), entry("c2", "web", 20)))))
                .containsExactly("c3", "c2", "c1");
    }

    @Test
    void aHigherPriorityChannelIsServedFirstEvenWhenItsVisitorsArrivedLater() {
        var order = new QueueOrder(Map.of("wechat", 10, "web", 1), Map.of());
        assertThat(ids(order.order(List.of(entry("web-old", "web", 0), entry("wechat-new", "wechat", 60)))))
                .containsExactly("wechat-new", "web-old");
    }

    @Test
    void aChannelWithoutAPriorityCountsAsZero() {
        var order = new QueueOrder(Map.of("vip", 5, "spam", -1), Map.of());
        assertThat(ids(order.order(List.of(entry("s", "spam", 0), entry("n", "none", 1), entry("v", "vip", 2)))))
                .containsExactly("v", "n", "s");
    }

    @Test
    void firstInFirstOutChannelsOfEqualPriorityShareOneOldestFirstLine() {
        var order = QueueOrder.firstInFirstOut();
        assertThat(ids(order.order(List.of(entry("a2", "a", 40), entry("b1", "b", 20), entry("a1", "a", 10), entry("b2", "b", 50)))))
                .containsExactly("a1", "b1", "a2", "b2");
    }

    @Test
    void betweenChannelsOfEqualPriorityTheOneWhoseNextVisitorWaitedLongestGoesFirst() {
        // x is first-in first-out: x1 then x2. y is last-in first-out: y2 then y1.
        var order = new QueueOrder(Map.of(), Map.of("y", LIFO));
        var entries = List.of(entry("x1", "x", 1), entry("x2", "x", 5), entry("y1", "y", 2), entry("y2", "y", 3));
        assertThat(ids(order.order(entries))).containsExactly("x1", "y2", "y1", "x2");
    }

    @Test
    void conversationsThatArrivedAtTheSameInstantAreOrderedById() {
        var order = QueueOrder.firstInFirstOut();
        assertThat(ids(order.order(List.of(entry("c-b", "web", 0), entry("c-a", "wechat", 0), entry("c-c", "web", 0)))))
                .containsExactly("c-a", "c-b", "c-c");
    }

    @Test
    void theOrderDoesNotDependOnTheOrderEntriesWereRead() {
        var order = new QueueOrder(Map.of("wechat", 2), Map.of("api", LIFO));
        List<QueueEntry> entries = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            entries.add(entry("c" + i, List.of("web", "wechat", "api").get(i % 3), (i * 7) % 11));
        }
        List<String> expected = ids(order.order(entries));
        Collections.shuffle(entries, new Random(42));
        assertThat(ids(order.order(entries))).isEqualTo(expected);
    }

    @Test
    void positionsStartAtOneAndFollowTheServingOrder() {
        var order = new QueueOrder(Map.of("wechat", 1), Map.of());
        Map<String, Integer> positions = order.positions(List.of(entry("web", "web", 0), entry("wx", "wechat", 9)));
        assertThat(positions).containsExactly(Map.entry("wx", 1), Map.entry("web", 2));
    }

    @Test
    void inALastInFirstOutChannelANewcomerPushesEveryoneBackOnePlace() {
        var order = new QueueOrder(Map.of(), Map.of("web", LIFO));
        List<QueueEntry> before = List.of(entry("c1", "web", 10), entry("c2", "web", 20));
        List<QueueEntry> after = List.of(entry("c1", "web", 10), entry("c2", "web", 20), entry("c3", "web", 30));
        assertThat(order.positions(before)).containsEntry("c1", 2);
        assertThat(order.positions(after)).containsEntry("c1", 3).containsEntry("c3", 1);
    }

    @Test
    void nextIsTheHeadOfTheOrderAndNothingForAnEmptyQueue() {
        var order = QueueOrder.firstInFirstOut();
        assertThat(order.next(List.of(entry("late", "web", 9), entry("early", "web", 1)))).map(QueueEntry::conversationId)
                .contains("early");
        assertThat(order.next(List.of())).isEmpty();
        assertThat(order.positions(List.of())).isEmpty();
    }
}
