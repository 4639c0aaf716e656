package io.switchboard.routing;

/**
 * An agent who might take a conversation, with the live figures a decision needs.
 *
 * @param lastAssignedAt epoch millis of the agent's last assignment, 0 if never
 */
public record Candidate(String agentId, AgentStatus status, int load, int maxConcurrent, long lastAssignedAt) {

    /** Automatic assignment only to online agents below their limit (B2, B3). */
    public boolean canTakeAutomatically() {
        return status == AgentStatus.ONLINE && load < maxConcurrent;
    }
}
