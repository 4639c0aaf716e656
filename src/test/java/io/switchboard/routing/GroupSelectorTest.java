package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.switchboard.routing.WorkingHoursTest.at;
import static io.switchboard.routing.WorkingHoursTest.weekdays;
import static org.assertj.core.api.Assertions.assertThat;

class GroupSelectorTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private final GroupSelector selector = new GroupSelector(Map.of(
            "shanghai", WorkingHours.weekly(SHANGHAI, weekdays("09:00-18:00"), Set.of()),
            "new-york", WorkingHours.weekly(NEW_YORK, weekdays("09:00-18:00"), Set.of()),
            "night", WorkingHours.weekly(SHANGHAI, weekdays("22:00-02:00"), Set.of()),
            "always", WorkingHours.alwaysOpen(SHANGHAI),
            "never", WorkingHours.weekly(SHANGHAI, Map.of(), Set.of())));

    @Test
    void keepsTheOpenGroupsInTheRulesOrder() {
        // Monday 10:00 in Shanghai is Sunday 22:00 in New York.
        Instant now = at("2025-12-22T10:00", SHANGHAI);
        GroupSelection selection = selector.select(List.of("always", "new-york", "shanghai"), now);
        assertThat(selection.open()).containsExactly("always", "shanghai");
        assertThat(selection.closed()).containsExactly("new-york");
        assertThat(selection.anyOpen()).isTrue();
        assertThat(selection.nextOpening()).as("only asked for when nothing is open").isEmpty();
    }

    @Test
    void whenEveryGroupIsClosedTheEarliestNextOpeningIsGiven() {
        // Monday 19:00 in Shanghai: the office group opens again at 09:00 tomorrow, the night group at 22:00 today.
        Instant now = at("2025-12-22T19:00", SHANGHAI);
        GroupSelection selection = selector.select(List.of("shanghai", "night"), now);
        assertThat(selection.anyOpen()).isFalse();
        assertThat(selection.nextOpening()).contains(at("2025-12-22T22:00", SHANGHAI));

        GroupSelection officeOnly = selector.select(List.of("never", "shanghai"), now);
        assertThat(officeOnly.nextOpening()).contains(at("2025-12-23T09:00", SHANGHAI));
    }

    @Test
    void groupsThatNeverOpenGiveNoNextOpening() {
        GroupSelection selection = selector.select(List.of("never"), Instant.parse("2025-12-22T00:00:00Z"));
        assertThat(selection.anyOpen()).isFalse();
        assertThat(selection.nextOpening()).isEmpty();
    }

    @Test
    void aDeletedGroupIsSkippedNeverTreatedAsOpen() {
        GroupSelection selection = selector.select(List.of("deleted", "never"), Instant.parse("2025-12-22T03:00:00Z"));
        assertThat(selection.open()).isEmpty();
        assertThat(selection.unknown()).containsExactly("deleted");
        assertThat(selection.closed()).containsExactly("never");
    }
}
