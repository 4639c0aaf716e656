package io.switchboard.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a matched rule's groups that serve now (A4, A6). Routing must not hand a
 * conversation to a group outside its hours, and when every group is closed the visitor gets
 * the rule's out-of-hours notice, ideally with the time the first of them opens again.
 *
 * <p>Every group has working hours; a group without a schedule of its own is given
 * {@link WorkingHours#alwaysOpen}. A group missing from the map is taken to have been
 * deleted and is skipped, never treated as open.
 */
public final class GroupSelector {

    private final Map<String, WorkingHours> hoursByGroup;

    public GroupSelector(Map<String, WorkingHours> hoursByGroup) {
        this.hoursByGroup = Map.copyOf(hoursByGroup);
    }

    public GroupSelection select(List<String> groupIds, Instant now) {
        List<String> open = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String id : groupIds) {
            WorkingHours hours = hoursByGroup.get(id);
            if (hours == null) {
                unknown.add(id);
            } else if (hours.isOpen(now)) {
                open.add(id);
            } else {
                closed.add(id);
            }
        }
        Optional<Instant> next = Optional.empty();
        if (open.isEmpty()) {
            next = closed.stream().map(id -> hoursByGroup.get(id).nextOpening(now)).flatMap(Optional::stream)
                    .min(Instant::compareTo);
        }
        return new GroupSelection(open, closed, unknown, next);
    }
}
