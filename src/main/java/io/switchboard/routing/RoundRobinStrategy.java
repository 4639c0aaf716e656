package io.switchboard.routing;

import java.util.List;
import java.util.Optional;

/**
 * B1 round robin: the members of the rule's groups take turns in group order, whatever their
 * load. The rotation's position is the agent who got the previous conversation; it lives in
 * Redis so every replica continues the same rotation, and arrives here in the context. The
 * pick reports the new position for the caller to store.
 *
 * <p>The position is an agent id rather than an index so that agents joining, leaving or
 * changing status do not shift the rotation: ineligible agents are simply passed over. When
 * the previous agent is no longer among the candidates the rotation starts again at the head.
 */
public final class RoundRobinStrategy implements RoutingStrategy {

    public static final String NAME = "round-robin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Choice> choose(List<Candidate> candidates, RoutingContext context) {
        int n = candidates.size();
        int start = indexOf(candidates, context.roundRobinCursor()) + 1;
        for (int step = 0; step < n; step++) {
            Candidate c = candidates.get((start + step) % n);
            if (context.eligible(c)) {
                String reason = start == 0 ? "first in the rotation" : "next in the rotation after " + context.roundRobinCursor();
                return Optional.of(new Choice(c, NAME, reason, c.agentId()));
            }
        }
        return Optional.empty();
    }

    /** Position of the agent in the rotation, -1 when absent so that the rotation starts at the head. */
    private static int indexOf(List<Candidate> candidates, String agentId) {
        if (agentId == null) {
            return -1;
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).agentId().equals(agentId)) {
                return i;
            }
        }
        return -1;
    }
}
