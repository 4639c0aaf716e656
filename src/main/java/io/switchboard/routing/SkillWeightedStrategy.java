package io.switchboard.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * B1 skill weighting: the agent best suited to what the conversation needs. An agent who has
 * more of the required skills ranks first; among those, the higher sum of levels in the
 * required skills wins. It weighs rather than filters: a conversation is never left waiting
 * because nobody online has a skill, since the rule's groups already decide who may serve it.
 * With no required skills every agent scores the same and the shared tie-break takes turns.
 */
public final class SkillWeightedStrategy implements RoutingStrategy {

    public static final String NAME = "skill-weighted";

    /** How well one agent fits the required skills. */
    record Score(Candidate agent, int covered, int levels) {

        static Score of(Candidate agent, Set<String> required) {
            int covered = 0;
            int levels = 0;
            for (String skill : required) {
                int level = agent.skillLevel(skill);
                if (level > 0) {
                    covered++;
                    levels += level;
                }
            }
            return new Score(agent, covered, levels);
        }
    }

    private static final Comparator<Score> BEST_FIRST = Comparator.comparingInt(Score::covered).reversed()
            .thenComparing(Comparator.comparingInt(Score::levels).reversed())
            .thenComparing(Score::agent, Candidate.TIE_BREAK);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Choice> choose(List<Candidate> candidates, RoutingContext context) {
        Set<String> required = context.requiredSkills();
        return candidates.stream().filter(context::eligible).map(c -> Score.of(c, required)).min(BEST_FIRST)
                .map(s -> new Choice(s.agent(), NAME, required.isEmpty() ? "no skills required"
                        : "has " + s.covered() + " of " + required.size() + " required skills, level sum " + s.levels()));
    }
}
