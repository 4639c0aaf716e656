package io.switchboard.event;

import io.switchboard.protocol.ServerFrames.MessageView;

import java.util.List;

/**
 * What the fan-out needs besides the event to know who hears of it and what they see: the
 * conversation's visitor and the agent concerned (its assignee, or the one it was taken from),
 * and what was read after commit (the agent's live figures, the history the new assignee gets,
 * a system line, the tenant's supervisors). Teamwork adds the experts in the conversation, the
 * internal note line of a transfer, what a transfer carried (its previous assignee by name and
 * its note), the previous assignee's figures, the acting staff member's name and who sent the
 * survey. The service that committed the event fills in what it already holds, so announcing
 * costs no extra round trip.
 */
public record Facts(String visitorId, String agentId, String agentName, Figures figures, List<MessageView> history,
                    MessageView line, List<String> supervisors, List<String> experts, MessageView note,
                    Transfer transfer, Figures fromFigures, String actorName, String surveySentBy) {

    /** An agent's live figures right after the change: their {@code status} frame. */
    public record Figures(String status, int load, int maxConcurrent) {}

    /**
     * What a transfer carried to whoever receives the conversation: the assignee it came from
     * ({@code fromId} null when it was waiting) and the note, null when none was written.
     */
    public record Transfer(String fromId, String fromName, String note) {}

    public static final Facts NONE = new Facts(null, null, null, null, List.of(), null, List.of(), List.of(), null, null,
            null, null, null);

    public static Facts visitor(String visitorId) {
        return NONE.withVisitor(visitorId);
    }

    public static Facts agent(String agentId, Figures figures) {
        return NONE.withAgent(agentId, null).withFigures(figures);
    }

    public Facts withVisitor(String visitorId) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    public Facts withAgent(String agentId, String agentName) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    public Facts withFigures(Figures figures) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    public Facts withHistory(List<MessageView> history) {
        return new Facts(visitorId, agentId, agentName, figures, history == null ? List.of() : history, line, supervisors,
                experts, note, transfer, fromFigures, actorName, surveySentBy);
    }

    public Facts withLine(MessageView line) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    public Facts withSupervisors(List<String> supervisors) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    /** The experts in the conversation (conversation_participants) as the change committed. */
    public Facts withExperts(List<String> experts) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors,
                experts == null ? List.of() : List.copyOf(experts), note, transfer, fromFigures, actorName, surveySentBy);
    }

    /** An internal system line (a transfer's note): staff only, never the visitor. */
    public Facts withNote(MessageView note) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    public Facts withTransfer(Transfer transfer) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    /** The figures of the agent a conversation was taken from (a transfer), after their unit went back. */
    public Facts withFromFigures(Figures fromFigures) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    /** The name of the staff member who acted (who invited an expert). */
    public Facts withActorName(String actorName) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }

    /** The staff member who sent the conversation's survey, null when none did. */
    public Facts withSurveySentBy(String surveySentBy) {
        return new Facts(visitorId, agentId, agentName, figures, history, line, supervisors, experts, note, transfer,
                fromFigures, actorName, surveySentBy);
    }
}
