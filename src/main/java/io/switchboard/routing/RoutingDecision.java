package io.switchboard.routing;

import java.util.List;

/**
 * Why a conversation went where it went: the strategy, the candidates with their live
 * figures at the time, and the choice (null when nobody could take it).
 */
public record RoutingDecision(String strategy, List<Candidate> candidates, Candidate chosen) {

    public boolean assigned() {
        return chosen != null;
    }
}
