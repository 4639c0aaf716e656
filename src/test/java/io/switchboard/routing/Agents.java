package io.switchboard.routing;

/** Candidates for tests: an online agent with room unless a test says otherwise. */
final class Agents {

    private Agents() {
    }

    static Candidate online(String id) {
        return new Candidate(id, AgentStatus.ONLINE, 0, 5, 0);
    }

    static Candidate online(String id, int load, int max) {
        return new Candidate(id, AgentStatus.ONLINE, load, max, 0);
    }

    static Candidate online(String id, int load, int max, long lastAssignedAt) {
        return new Candidate(id, AgentStatus.ONLINE, load, max, lastAssignedAt);
    }

    static Candidate onBreak(String id) {
        return new Candidate(id, AgentStatus.BREAK, 0, 5, 0);
    }

    static Candidate offline(String id) {
        return new Candidate(id, AgentStatus.OFFLINE, 0, 5, 0);
    }

    static Candidate full(String id) {
        return new Candidate(id, AgentStatus.ONLINE, 5, 5, 0);
    }
}
