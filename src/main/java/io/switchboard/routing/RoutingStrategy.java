package io.switchboard.routing;

import java.util.List;
import java.util.Optional;

/**
 * Picks one agent among candidates. Implementations are pure (DESIGN rule 4): they see
 * values only and never touch Redis or SQL. The caller claims the choice atomically and
 * asks again without it if the claim loses a race.
 */
public interface RoutingStrategy {

    String name();

    /** @param candidates agents who may take the conversation now; may be empty */
    Optional<Candidate> choose(List<Candidate> candidates);
}
