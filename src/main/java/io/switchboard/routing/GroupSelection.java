package io.switchboard.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which of a rule's groups serve at a given instant, in the rule's order.
 *
 * @param open        groups open now, in the rule's order: their members form the candidate pool
 * @param closed      groups outside their working hours now
 * @param unknown     groups the rule names that no longer exist; skipped, and worth an admin warning
 * @param nextOpening when none is open, the earliest moment one of the closed groups opens, if known
 */
public record GroupSelection(List<String> open, List<String> closed, List<String> unknown, Optional<Instant> nextOpening) {

    public GroupSelection {
        open = List.copyOf(open);
        closed = List.copyOf(closed);
        unknown = List.copyOf(unknown);
    }

    public boolean anyOpen() {
        return !open.isEmpty();
    }
}
