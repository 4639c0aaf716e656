package io.switchboard.conversation;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The serving order puts conversations transferred to a group at the head of its queue (C6), before channel priority. */
class QueueFrontOrderTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static ConversationStore.Waiting waiting(String id, String channel, int priority, String order, int queuedSecond,
                                                     Integer frontSecond) {
        return new ConversationStore.Waiting(id, "v-" + id, null, channel, "g", T0.plusSeconds(queuedSecond), priority, order, null,
                frontSecond == null ? null : T0.plusSeconds(frontSecond));
    }

    @Test
    void transferredConversationsComeFirstEarliestTransferFirstWhateverTheirChannelsPriority() {
        List<ConversationStore.Waiting> ordered = ConversationStore.order(List.of(
                waiting("old", "vip", 10, "fifo", 0, null),
                waiting("late-transfer", "web", 0, "fifo", 50, 40),
                waiting("newer", "web", 0, "fifo", 5, null),
                waiting("early-transfer", "web", 0, "lifo", 60, 30)));
        assertThat(ordered).extracting(ConversationStore.Waiting::conversationId)
                .containsExactly("early-transfer", "late-transfer", "old", "newer");
    }

    @Test
    void withoutTransfersTheOrderIsTheChannelsOwn() {
        List<ConversationStore.Waiting> ordered = ConversationStore.order(List.of(
                waiting("b", "web", 0, "fifo", 5, null),
                waiting("a", "web", 0, "fifo", 1, null)));
        assertThat(ordered).extracting(ConversationStore.Waiting::conversationId).containsExactly("a", "b");
    }
}
