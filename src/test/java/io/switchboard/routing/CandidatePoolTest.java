package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CandidatePoolTest {

    @Test
    void queueGroupComesFirstThenTheRulesOpenGroupsInOrder() {
        assertThat(CandidatePool.groups("b", List.of("a", "b", "c"), Set.of("a", "b", "c"))).containsExactly("b", "a", "c");
    }

    @Test
    void closedGroupsOfTheRuleAreLeftOut() {
        assertThat(CandidatePool.groups("a", List.of("a", "b", "c"), Set.of("a", "c"))).containsExactly("a", "c");
    }

    @Test
    void theQueueGroupStaysWhenItsHoursEndedWhileTheVisitorWaited() {
        assertThat(CandidatePool.groups("a", List.of("a", "b"), Set.of("b"))).containsExactly("a", "b");
    }

    @Test
    void withoutRuleOnlyTheQueueGroupServes() {
        assertThat(CandidatePool.groups("a", List.of(), Set.of())).containsExactly("a");
    }

    @Test
    void aConversationWithoutGroupIsServedByTheRulesOpenGroups() {
        assertThat(CandidatePool.groups(null, List.of("a", "b"), Set.of("b"))).containsExactly("b");
    }
}
