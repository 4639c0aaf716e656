package io.switchboard.conversation;

import io.switchboard.event.DomainEvent;
import io.switchboard.event.FanOutTable;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event sweep rebuilds an unannounced event from its row in the log: every announced kind
 * must come back as the event that was recorded (the out-of-hours text excepted: the log keeps
 * the routing explanation, the sweep reads the text from the setup), and a kind nobody hears of
 * is not replayed.
 */
class EventReplayTest {

    private static EventReplay.Logged row(long id, DomainEvent e) {
        return new EventReplay.Logged(id, e.tenantId(), e.conversationId(), e.kind(), e.actor().kind(), e.actor().id(),
                e.data());
    }

    @Test
    void everyAnnouncedKindDecodesToTheEventThatWasRecorded() {
        int checked = 0;
        for (DomainEvent e : io.switchboard.event.EveryKind.events()) {
            Optional<DomainEvent> back = EventReplay.decode(row(1, e));
            if (!FanOutTable.announces(e.kind())) {
                assertTrue(back.isEmpty(), e.kind() + " is not replayed");
                continue;
            }
            assertTrue(back.isPresent(), e.kind());
            DomainEvent expected = e instanceof DomainEvent.OutOfHours o
                    ? new DomainEvent.OutOfHours(o.tenantId(), o.conversationId(), o.groupId(), o.data(), null) : e;
            if (e instanceof DomainEvent.OutOfHours) {
                DomainEvent.OutOfHours got = (DomainEvent.OutOfHours) back.get();
                assertEquals(((DomainEvent.OutOfHours) expected).groupId(), got.groupId());
                assertEquals(((DomainEvent.OutOfHours) expected).why().getString("rule"), got.why().getString("rule"));
            } else {
                assertEquals(expected, back.get(), e.kind());
            }
            assertEquals(e.kind(), back.get().kind());
            assertEquals(e.data(), back.get().data(), e.kind() + " data");
            checked++;
        }
        assertEquals(FanOutTable.ANNOUNCED.size() + 2, checked, "both transfer targets and both assignment kinds are checked");
    }

    @Test
    void aRowThatNoLongerDecodesIsNotReplayed() {
        assertTrue(EventReplay.decode(new EventReplay.Logged(1, "t", "c", "renamed_kind", "system", null, null)).isEmpty());
    }
}
