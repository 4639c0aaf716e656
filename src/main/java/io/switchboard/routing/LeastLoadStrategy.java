package io.switchboard.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * B1 least live load: the agent with the fewest live conversations. Ties go to the
 * agent who has waited longest since their last assignment, so equal agents take turns;
 * the id breaks what remains so the choice is deterministic.
 */
public final class LeastLoadStrategy implements RoutingStrategy {

    static final Comparator<Candidate> ORDER = Comparator.comparingInt(Candidate::load)
            .thenComparingLong(Candidate::lastAssignedAt)
            .thenComparing(Candidate::agentId);

    @Override
    public String name() {
        return "least-load";
    }

    @Override
    public Optional<Candidate> choose(List<Candidate> candidates) {
        return candidates.stream().filter(Candidate::canTakeAutomatically).min(ORDER);
    }
}
