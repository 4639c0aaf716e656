package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;

class FewestTodayStrategyTest {

    private final FewestTodayStrategy strategy = new FewestTodayStrategy();

    private String pick(Candidate... candidates) {
        return strategy.choose(List.of(candidates), RoutingContext.none()).map(c -> c.agent().agentId()).orElse(null);
    }

    @Test
    void theAgentWithTheFewestConversationsTodayGetsTheNext() {
        assertThat(pick(online("a").withTodayCount(12), online("b").withTodayCount(3), online("c").withTodayCount(7)))
                .isEqualTo("b");
    }

    @Test
    void liveLoadDoesNotCountOnlyTodaysTotal() {
        assertThat(pick(online("a", 0, 5).withTodayCount(9), online("b", 4, 5).withTodayCount(2))).isEqualTo("b");
    }

    @Test
    void tiesGoToTheAgentWaitingLongestSinceTheirLastAssignment() {
        assertThat(pick(online("a", 0, 5, 500).withTodayCount(4), online("b", 0, 5, 100).withTodayCount(4)))
                .isEqualTo("b");
    }

    @Test
    void agentsWhoCannotTakeMoreAreSkippedEvenWithTheFewestToday() {
        assertThat(pick(online("a", 5, 5).withTodayCount(0), online("b").withTodayCount(20))).isEqualTo("b");
        assertThat(pick(Agents.onBreak("a").withTodayCount(0))).isNull();
    }

    @Test
    void theReasonCarriesTheFigure() {
        Choice choice = strategy.choose(List.of(online("a").withTodayCount(3)), RoutingContext.none()).orElseThrow();
        assertThat(choice.reason()).isEqualTo("fewest conversations today: 3");
    }
}
