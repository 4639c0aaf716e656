package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransferTargetsTest {

    private static TransferTargets.Agent agent(String id, AgentStatus status, int load, int max) {
        return new TransferTargets.Agent(id, "Agent " + id, status, load, max);
    }

    @Test
    void leastSaturatedComeFirstNotFewestChats() {
        var ranked = TransferTargets.rank(List.of(
                agent("a", AgentStatus.ONLINE, 1, 2),
                agent("b", AgentStatus.ONLINE, 2, 10),
                agent("c", AgentStatus.BREAK, 0, 5)), null);
        assertThat(ranked).extracting(TransferTargets.Agent::id).containsExactly("c", "b", "a");
    }

    @Test
    void offlineAgentsAndTheCurrentAssigneeAreNeverTargets() {
        var ranked = TransferTargets.rank(List.of(
                agent("a", AgentStatus.OFFLINE, 0, 5),
                agent("b", AgentStatus.ONLINE, 3, 5),
                agent("me", AgentStatus.ONLINE, 0, 5)), "me");
        assertThat(ranked).extracting(TransferTargets.Agent::id).containsExactly("b");
    }

    @Test
    void fullAgentsAreListedAfterThoseWithRoomSinceTransfersIgnoreTheLimit() {
        var ranked = TransferTargets.rank(List.of(
                agent("full", AgentStatus.ONLINE, 6, 5),
                agent("room", AgentStatus.ONLINE, 4, 5)), null);
        assertThat(ranked).extracting(TransferTargets.Agent::id).containsExactly("room", "full");
    }

    @Test
    void equalSaturationGoesToTheLowerLoadThenByName() {
        var ranked = TransferTargets.rank(List.of(
                agent("y", AgentStatus.ONLINE, 2, 4),
                agent("x", AgentStatus.ONLINE, 1, 2),
                agent("w", AgentStatus.ONLINE, 1, 2)), null);
        assertThat(ranked).extracting(TransferTargets.Agent::id).containsExactly("w", "x", "y");
    }
}
