package io.switchboard.routing;

import java.util.List;
import java.util.Optional;

/**
 * Picks one agent among candidates. Implementations are pure (DESIGN rule 4): they see
 * values only and never touch Redis or SQL. The caller claims the choice atomically and
 * asks again, with the loser excluded in the context, if the claim loses a race.
 *
 * <p>Candidates arrive with every member of the selected groups, whatever their status, so
 * that order-based strategies can find their place in the rotation; each strategy chooses
 * only among those the context deems {@linkplain RoutingContext#eligible eligible}.
 */
public interface RoutingStrategy {

    /** The name admins configure on a routing rule, as listed in {@link StrategyRegistry}. */
    String name();

    /** The name with any fallbacks, for the transcript, e.g. "customer-owner then least-load". */
    default String describe() {
        return name();
    }

    /**
     * @param candidates members of the selected groups in group order, without duplicates; may be empty
     * @return the pick, or empty when no candidate is eligible
     */
    Optional<Choice> choose(List<Candidate> candidates, RoutingContext context);
}
