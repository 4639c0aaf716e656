package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.switchboard.routing.Agents.full;
import static io.switchboard.routing.Agents.offline;
import static io.switchboard.routing.Agents.onBreak;
import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;

class LeastLoadStrategyTest {

    private final LeastLoadStrategy strategy = new LeastLoadStrategy();
    private final RoutingContext none = RoutingContext.none();

    @Test
    void picksTheAgentWithTheFewestLiveConversations() {
        var choice = strategy.choose(List.of(online("a", 3, 5), online("b", 1, 5), online("c", 2, 5)), none);
        assertThat(choice).map(Choice::agent).map(Candidate::agentId).contains("b");
        assertThat(choice.orElseThrow().strategy()).isEqualTo("least-load");
        assertThat(choice.orElseThrow().reason()).contains("1 of 5");
    }

    @Test
    void tiesGoToTheAgentWaitingLongestSinceTheirLastAssignment() {
        var choice = strategy.choose(List.of(
                online("a", 1, 5, 3_000), online("b", 1, 5, 1_000), online("c", 1, 5, 2_000)), none);
        assertThat(choice).map(c -> c.agent().agentId()).contains("b");
    }

    @Test
    void remainingTiesGoByAgentIdSoTheChoiceIsRepeatable() {
        var choice = strategy.choose(List.of(online("c", 1, 5, 7), online("a", 1, 5, 7), online("b", 1, 5, 7)), none);
        assertThat(choice).map(c -> c.agent().agentId()).contains("a");
    }

    @Test
    void agentsAtOrOverTheirLimitGetNothing() {
        var choice = strategy.choose(List.of(full("a"), online("b", 7, 5)), none);
        assertThat(choice).isEmpty();
    }

    @Test
    void onlyOnlineAgentsGetAutomaticAssignments() {
        var choice = strategy.choose(List.of(onBreak("a"), offline("b"), online("c", 4, 5)), none);
        assertThat(choice).map(c -> c.agent().agentId()).contains("c");
    }

    @Test
    void excludedAgentsAreSkippedEvenWhenLeastLoaded() {
        var choice = strategy.choose(List.of(online("a", 0, 5), online("b", 2, 5)), none.excluding(Set.of("a")));
        assertThat(choice).map(c -> c.agent().agentId()).contains("b");
    }

    @Test
    void leastLoadNeverMovesTheRoundRobinCursor() {
        var choice = strategy.choose(List.of(online("a")), none.withRoundRobinCursor("z"));
        assertThat(choice.orElseThrow().nextCursor()).isNull();
    }
}
