package io.switchboard.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * B1 least live load: the agent with the fewest live conversations, so work spreads evenly
 * over whoever is serving right now.
 */
public final class LeastLoadStrategy implements RoutingStrategy {

    public static final String NAME = "least-load";

    static final Comparator<Candidate> ORDER = Comparator.comparingInt(Candidate::load).thenComparing(Candidate.TIE_BREAK);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Choice> choose(List<Candidate> candidates, RoutingContext context) {
        return candidates.stream().filter(context::eligible).min(ORDER)
                .map(c -> new Choice(c, NAME, "fewest live conversations: " + c.load() + " of " + c.maxConcurrent()));
    }
}
