package io.switchboard.routing;

import java.util.List;
import java.util.Optional;

/**
 * Why a conversation went where it went: the strategy as configured, the candidates with
 * their live figures at the time, and the pick with its reason (null when nobody could take
 * it). The transcript keeps all of it, so a supervisor can see why an agent was or was not chosen.
 */
public record RoutingDecision(String strategy, List<Candidate> candidates, Choice choice) {

    public RoutingDecision {
        candidates = List.copyOf(candidates);
    }

    public boolean assigned() {
        return choice != null;
    }

    /** The chosen agent, or null when nobody could take the conversation. */
    public Candidate chosen() {
        return choice == null ? null : choice.agent();
    }

    /** The round-robin position to store, when this decision moved it. */
    public Optional<String> nextCursor() {
        return choice == null ? Optional.empty() : Optional.ofNullable(choice.nextCursor());
    }
}
