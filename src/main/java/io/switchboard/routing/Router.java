package io.switchboard.routing;

import java.util.List;

/**
 * Applies one strategy to one conversation's candidates and records the decision. The
 * dispatcher calls it again with the loser excluded in the context when a capacity claim
 * fails, so a lost race never leaves a conversation waiting while others have room.
 */
public final class Router {

    private final RoutingStrategy strategy;

    public Router(RoutingStrategy strategy) {
        this.strategy = strategy;
    }

    public RoutingDecision decide(List<Candidate> candidates, RoutingContext context) {
        return new RoutingDecision(strategy.describe(), candidates, strategy.choose(candidates, context).orElse(null));
    }
}
