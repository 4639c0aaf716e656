package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RoutingTargetTest {

    @Test
    void preferringTheLastAgentPutsThemInFrontOfTheConfiguredStrategy() {
        RoutingTarget target = RoutingTarget.of("round-robin", "g").preferringLastAgent();
        assertThat(target.routingStrategy().describe()).isEqualTo("last-agent then round-robin");

        Choice choice = target.routingStrategy().choose(List.of(online("a"), online("prev", 4, 5)),
                RoutingContext.none().withLastAgent("prev")).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("prev");
    }

    @Test
    void withoutThePreferenceTheConfiguredStrategyDecidesAlone() {
        RoutingTarget target = RoutingTarget.of("least-load", "g");
        Choice choice = target.routingStrategy().choose(List.of(online("a"), online("prev", 4, 5)),
                RoutingContext.none().withLastAgent("prev")).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("a");
    }

    @Test
    void theLastAgentStrategyIsNotWrappedTwice() {
        assertThat(RoutingTarget.of("last-agent", "g").preferringLastAgent().routingStrategy().describe())
                .isEqualTo("last-agent then least-load");
    }

    @Test
    void theLastAgentComesBeforeTheCustomerOwner() {
        RoutingTarget target = RoutingTarget.of("customer-owner", "g").withFallback("fewest-today").preferringLastAgent();
        assertThat(target.routingStrategy().describe()).isEqualTo("last-agent then customer-owner then fewest-today");
    }

    @Test
    void aTargetNeedsGroupsAKnownStrategyAndAPlainFallback() {
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingTarget.of("least-load"));
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingTarget.of("least-load", "g", "g"))
                .withMessageContaining("each group once");
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingTarget.of("random", "g"))
                .withMessageContaining("unknown strategy");
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingTarget.of("customer-owner", "g").withFallback("last-agent"));
    }

    @Test
    void requiredSkillsAndTheNoticeAreKept() {
        RoutingTarget target = RoutingTarget.of("skill-weighted", "g").requiringSkills("refunds").withOutOfHoursText("closed");
        assertThat(target.requiredSkills()).isEqualTo(Set.of("refunds"));
        assertThat(target.outOfHoursText()).isEqualTo("closed");
    }
}
