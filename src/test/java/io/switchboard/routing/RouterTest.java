package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.switchboard.routing.Agents.offline;
import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {

    private final Router router = new Router(new LeastLoadStrategy());

    @Test
    void skipsAgentsWhoseClaimAlreadyFailedButRecordsEveryCandidate() {
        var candidates = List.of(online("a", 0, 5), online("b", 2, 5), offline("c"));
        RoutingDecision decision = router.decide(candidates, RoutingContext.none().excluding(Set.of("a")));
        assertThat(decision.chosen().agentId()).isEqualTo("b");
        assertThat(decision.candidates()).extracting(Candidate::agentId).containsExactly("a", "b", "c");
        assertThat(decision.strategy()).isEqualTo("least-load");
        assertThat(decision.choice().reason()).isNotBlank();
    }

    @Test
    void noCandidatesMeansNoChoiceAndNoCursorMove() {
        RoutingDecision decision = router.decide(List.of(), RoutingContext.none());
        assertThat(decision.assigned()).isFalse();
        assertThat(decision.chosen()).isNull();
        assertThat(decision.nextCursor()).isEmpty();
    }

    @Test
    void exclusionsAccumulateAcrossRetries() {
        RoutingContext context = RoutingContext.none().excluding(Set.of("a")).excluding(Set.of("b"));
        RoutingDecision decision = router.decide(List.of(online("a"), online("b"), online("c", 4, 5)), context);
        assertThat(decision.chosen().agentId()).isEqualTo("c");
    }
}
