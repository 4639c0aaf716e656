package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.switchboard.routing.Agents.full;
import static io.switchboard.routing.Agents.offline;
import static io.switchboard.routing.Agents.onBreak;
import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinStrategyTest {

    private final RoundRobinStrategy strategy = new RoundRobinStrategy();

    private String pick(List<Candidate> candidates, String cursor) {
        return strategy.choose(candidates, RoutingContext.none().withRoundRobinCursor(cursor))
                .map(c -> c.agent().agentId()).orElse(null);
    }

    @Test
    void withoutACursorTheRotationStartsAtTheHead() {
        assertThat(pick(List.of(online("b"), online("a"), online("c")), null)).isEqualTo("b");
    }

    @Test
    void theNextAgentAfterTheCursorGetsTheConversation() {
        assertThat(pick(List.of(online("a"), online("b"), online("c")), "a")).isEqualTo("b");
    }

    @Test
    void afterTheLastAgentTheRotationWrapsToTheHead() {
        assertThat(pick(List.of(online("a"), online("b"), online("c")), "c")).isEqualTo("a");
    }

    @Test
    void loadDoesNotChangeTheTurnAsLongAsTheAgentHasRoom() {
        assertThat(pick(List.of(online("a", 0, 5), online("b", 4, 5), online("c", 0, 5)), "a")).isEqualTo("b");
    }

    @Test
    void ineligibleAgentsArePassedOverWithoutLosingTheirPlace() {
        var candidates = List.of(online("a"), onBreak("b"), full("c"), offline("d"), online("e"));
        assertThat(pick(candidates, "a")).isEqualTo("e");
    }

    @Test
    void theCursorAgentMayBeIneligibleNowAndTheRotationStillContinuesAfterThem() {
        assertThat(pick(List.of(online("a"), offline("b"), online("c")), "b")).isEqualTo("c");
    }

    @Test
    void whenTheCursorAgentLeftTheGroupsTheRotationStartsAgainAtTheHead() {
        assertThat(pick(List.of(online("a"), online("b")), "gone")).isEqualTo("a");
    }

    @Test
    void theOnlyEligibleAgentMayBeTheCursorItself() {
        assertThat(pick(List.of(online("a"), onBreak("b")), "a")).isEqualTo("a");
    }

    @Test
    void nobodyEligibleMeansNoPick() {
        assertThat(pick(List.of(onBreak("a"), full("b")), "a")).isNull();
        assertThat(pick(List.of(), "a")).isNull();
    }

    @Test
    void excludedAgentsLoseTheirTurn() {
        var context = RoutingContext.none().withRoundRobinCursor("a").excluding(Set.of("b"));
        var choice = strategy.choose(List.of(online("a"), online("b"), online("c")), context);
        assertThat(choice).map(c -> c.agent().agentId()).contains("c");
    }

    @Test
    void thePickReportsTheNewCursorSoTheRotationContinuesOnAnyReplica() {
        var candidates = List.of(online("a"), online("b"), online("c"));
        List<String> turns = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 7; i++) {
            Choice choice = strategy.choose(candidates, RoutingContext.none().withRoundRobinCursor(cursor)).orElseThrow();
            turns.add(choice.agent().agentId());
            cursor = choice.nextCursor();
        }
        assertThat(turns).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void theReasonNamesThePreviousTurn() {
        Choice choice = strategy.choose(List.of(online("a"), online("b")),
                RoutingContext.none().withRoundRobinCursor("a")).orElseThrow();
        assertThat(choice.reason()).isEqualTo("next in the rotation after a");
        assertThat(choice.strategy()).isEqualTo("round-robin");
    }
}
