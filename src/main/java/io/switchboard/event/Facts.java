package io.switchboard.event;

import io.switchboard.protocol.ServerFrames.MessageView;

import java.util.List;

/**
 * What the fan-out needs besides the event to know who hears of it and what they see: the
 * conversation's visitor and the agent concerned (its assignee, or the one it was taken from),
 * and what was read after commit (the agent's live figures, the history the new assignee gets,
 * a system line, the tenant's supervisors). The service that committed the
 * event fills in what it already holds, so announcing costs no extra round trip.
 */
public record Facts(String visitorId, String agentId, String agentName, Figures figures, List<MessageView> history,
                    MessageView line, List<String> supervisors) {

    /** An agent's live figures right after the change: their {@code status} frame. */
    public record Figures(String status, int load, int maxConcurrent) {}

    public static final Facts NONE = new Facts(null, null, null, null, List.of(), null, List.of());

    public static Facts visitor(String visitorId) {
        return NONE.withVisitor(visitorId);
    }

    public static Facts agent(String agentId, Figures figures) {
        return NONE.withAgent(agentId, null).withFigures(figures);
    }

    public Facts withVisitor(String visitorId) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors);
    }

    public Facts withAgent(String agentId, String agentName) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors);
    }

    public Facts withFigures(Figures figures) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors);
    }

    public Facts withHistory(List<MessageView> history) {
        return new Facts(visitorId, agentId, agentName, figures, history == null ? List.of() : history, line, supervisors);
    }

    public Facts withLine(MessageView line) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors);
    }

    public Facts withSupervisors(List<String> supervisors) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors);
    }
}
