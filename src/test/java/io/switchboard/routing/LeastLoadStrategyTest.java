package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LeastLoadStrategyTest {

    private final LeastLoadStrategy strategy = new LeastLoadStrategy();

    private static Candidate agent(String id, AgentStatus status, int load, int max, long last) {
        return new Candidate(id, status, load, max, last);
    }

    @Test
    void picksTheAgentWithTheFewestLiveConversations() {
        var choice = strategy.choose(List.of(
                agent("a", AgentStatus.ONLINE, 3, 5, 0),
                agent("b", AgentStatus.ONLINE, 1, 5, 0),
                agent("c", AgentStatus.ONLINE, 2, 5, 0)));
        assertThat(choice).map(Candidate::agentId).contains("b");
    }

    @Test
    void tiesGoToTheAgentWaitingLongestSinceTheirLastAssignment() {
        var choice = strategy.choose(List.of(
                agent("a", AgentStatus.ONLINE, 1, 5, 3_000),
                agent("b", AgentStatus.ONLINE, 1, 5, 1_000),
                agent("c", AgentStatus.ONLINE, 1, 5, 2_000)));
        assertThat(choice).map(Candidate::agentId).contains("b");
    }

    @Test
    void agentsAtTheirLimitGetNothing() {
        var choice = strategy.choose(List.of(agent("a", AgentStatus.ONLINE, 5, 5, 0), agent("b", AgentStatus.ONLINE, 7, 5, 0)));
        assertThat(choice).isEmpty();
    }

    @Test
    void onlyOnlineAgentsGetAutomaticAssignments() {
        var choice = strategy.choose(List.of(
                agent("a", AgentStatus.BREAK, 0, 5, 0),
                agent("b", AgentStatus.OFFLINE, 0, 5, 0),
                agent("c", AgentStatus.ONLINE, 4, 5, 0)));
        assertThat(choice).map(Candidate::agentId).contains("c");
    }

    @Test
    void routerSkipsAgentsWhoseClaimAlreadyFailed() {
        Router router = new Router(strategy);
        var candidates = List.of(agent("a", AgentStatus.ONLINE, 0, 5, 0), agent("b", AgentStatus.ONLINE, 2, 5, 0));
        RoutingDecision decision = router.decide(candidates, Set.of("a"));
        assertThat(decision.chosen().agentId()).isEqualTo("b");
        assertThat(decision.candidates()).hasSize(2);
        assertThat(decision.strategy()).isEqualTo("least-load");
    }

    @Test
    void noCandidatesMeansNoChoice() {
        assertThat(new Router(strategy).decide(List.of(), Set.of()).assigned()).isFalse();
    }
}
