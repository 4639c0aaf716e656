package io.switchboard.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * B1 fewest conversations today (the "idle rate" strategy): the agent who has received the
 * fewest conversations since the start of the tenant's day. Unlike least load it evens out the
 * day's work, so an agent who closes conversations quickly is not punished with more of them.
 */
public final class FewestTodayStrategy implements RoutingStrategy {

    public static final String NAME = "fewest-today";

    static final Comparator<Candidate> ORDER = Comparator.comparingInt(Candidate::todayCount).thenComparing(Candidate.TIE_BREAK);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Choice> choose(List<Candidate> candidates, RoutingContext context) {
        return candidates.stream().filter(context::eligible).min(ORDER)
                .map(c -> new Choice(c, NAME, "fewest conversations today: " + c.todayCount()));
    }
}
