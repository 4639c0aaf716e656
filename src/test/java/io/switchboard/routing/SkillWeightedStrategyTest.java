package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;

class SkillWeightedStrategyTest {

    private final SkillWeightedStrategy strategy = new SkillWeightedStrategy();

    private Choice pick(Set<String> required, Candidate... candidates) {
        return strategy.choose(List.of(candidates), RoutingContext.none().withRequiredSkills(required)).orElse(null);
    }

    @Test
    void theAgentWithMoreOfTheRequiredSkillsWinsOverHigherLevelsInFewer() {
        Choice choice = pick(Set.of("refunds", "english"),
                online("a").withSkills(Map.of("refunds", 10)),
                online("b").withSkills(Map.of("refunds", 2, "english", 2)));
        assertThat(choice.agent().agentId()).isEqualTo("b");
        assertThat(choice.reason()).isEqualTo("has 2 of 2 required skills, level sum 4");
    }

    @Test
    void amongEquallyCoveringAgentsTheHigherLevelSumWins() {
        Choice choice = pick(Set.of("refunds"),
                online("a").withSkills(Map.of("refunds", 3)),
                online("b").withSkills(Map.of("refunds", 8)),
                online("c").withSkills(Map.of("refunds", 5)));
        assertThat(choice.agent().agentId()).isEqualTo("b");
    }

    @Test
    void skillsTheConversationDoesNotNeedDoNotCount() {
        Choice choice = pick(Set.of("refunds"),
                online("a").withSkills(Map.of("refunds", 3, "sales", 10)),
                online("b").withSkills(Map.of("refunds", 4)));
        assertThat(choice.agent().agentId()).isEqualTo("b");
    }

    @Test
    void anAgentWithoutAnyRequiredSkillStillServesWhenNobodyBetterIsFree() {
        Choice choice = pick(Set.of("refunds"),
                online("a", 5, 5).withSkills(Map.of("refunds", 9)),
                online("b"));
        assertThat(choice.agent().agentId()).isEqualTo("b");
        assertThat(choice.reason()).isEqualTo("has 0 of 1 required skills, level sum 0");
    }

    @Test
    void equalScoresGoToTheAgentWaitingLongest() {
        Choice choice = pick(Set.of("refunds"),
                online("a", 0, 5, 900).withSkills(Map.of("refunds", 4)),
                online("b", 0, 5, 100).withSkills(Map.of("refunds", 4)));
        assertThat(choice.agent().agentId()).isEqualTo("b");
    }

    @Test
    void withNoRequiredSkillsAgentsTakeTurnsByTheTieBreak() {
        Choice choice = pick(Set.of(),
                online("a", 0, 5, 900).withSkills(Map.of("refunds", 9)),
                online("b", 0, 5, 100));
        assertThat(choice.agent().agentId()).isEqualTo("b");
        assertThat(choice.reason()).isEqualTo("no skills required");
    }

    @Test
    void aSkillAtLevelZeroIsNoSkill() {
        Choice choice = pick(Set.of("refunds"),
                online("a", 0, 5, 100).withSkills(Map.of("refunds", 0)),
                online("b", 0, 5, 900).withSkills(Map.of("refunds", 1)));
        assertThat(choice.agent().agentId()).isEqualTo("b");
    }
}
