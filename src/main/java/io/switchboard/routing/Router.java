package io.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chooses an agent for one conversation, skipping agents whose claim already failed in
 * this round. The seam the full engine extends: rules pick the groups and the strategy,
 * this class applies it.
 */
public final class Router {

    private final RoutingStrategy strategy;

    public Router(RoutingStrategy strategy) {
        this.strategy = strategy;
    }

    public RoutingDecision decide(List<Candidate> candidates, Set<String> excluded) {
        List<Candidate> open = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            if (!excluded.contains(c.agentId())) {
                open.add(c);
            }
        }
        return new RoutingDecision(strategy.name(), List.copyOf(candidates), strategy.choose(open).orElse(null));
    }
}
