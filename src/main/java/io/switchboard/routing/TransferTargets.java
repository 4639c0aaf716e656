package io.switchboard.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Who a conversation may be transferred to (C6): agents who are online or on a break, never
 * offline, never the agent who holds it now, the least saturated first. Saturation is load over
 * limit, so an agent with 2 of 10 comes before one with 1 of 2: the list suggests who has room,
 * not who has the fewest chats. A transfer itself is not bound by the limit (A2), so a full
 * agent is listed too, after those with room.
 */
public final class TransferTargets {

    private TransferTargets() {}

    /** An agent as the target list shows them, with their live figures. */
    public record Agent(String id, String name, AgentStatus status, int load, int maxConcurrent) {

        /** load / maxConcurrent; an agent without a limit counts as full. */
        public double saturation() {
            return maxConcurrent <= 0 ? Double.MAX_VALUE : (double) load / maxConcurrent;
        }
    }

    /** Whether an agent in this status may receive a transfer or an invitation. */
    public static boolean mayReceive(AgentStatus status) {
        return status == AgentStatus.ONLINE || status == AgentStatus.BREAK;
    }

    /**
     * The agents who may receive the conversation, least saturated first; ties go to the lower
     * load, then by name and id so every replica lists them alike.
     *
     * @param assigneeId the conversation's current assignee, left out; null when it waits
     */
    public static List<Agent> rank(List<Agent> agents, String assigneeId) {
        List<Agent> out = new ArrayList<>(agents.size());
        for (Agent a : agents) {
            if (mayReceive(a.status()) && !a.id().equals(assigneeId)) {
                out.add(a);
            }
        }
        out.sort(Comparator.comparingDouble(Agent::saturation).thenComparingInt(Agent::load)
                .thenComparing(Agent::name, Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(Agent::id));
        return out;
    }
}
