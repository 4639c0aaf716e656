package io.switchboard.routing;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who may receive a conversation, and what a new limit means (B2, B3). Automatic assignment
 * respects the limit because it is the only path nobody chose by hand; a person who picks up
 * or hands over a conversation has looked at the agent and takes the extra load knowingly,
 * so those may exceed it (it still counts as load). Nothing ever goes to an offline agent:
 * they are not at the console to see it.
 */
public final class CapacityRules {

    public static final int MIN_LIMIT = 1;
    public static final int MAX_LIMIT = 200;
    /** Below this a limit is allowed but likely a typo or a trainee setting; the admin is warned. */
    public static final int LOW_LIMIT = 5;

    private CapacityRules() {
    }

    public static boolean mayAssign(Candidate agent, AssignmentKind kind) {
        return switch (kind) {
            case AUTOMATIC -> agent.status() == AgentStatus.ONLINE && agent.load() < agent.maxConcurrent();
            case MANUAL, TRANSFER -> agent.status() != AgentStatus.OFFLINE;
        };
    }

    /**
     * Checks a new limit against the agent's current load. A limit below the load is accepted:
     * nothing is taken away from the agent, automatic assignment simply holds until the load
     * falls under it, and the warning says so.
     *
     * @throws IllegalArgumentException when the limit is outside {@value #MIN_LIMIT}..{@value #MAX_LIMIT}
     */
    public static LimitReview reviewLimit(int limit, int currentLoad) {
        if (limit < MIN_LIMIT || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("max concurrent must be between " + MIN_LIMIT + " and " + MAX_LIMIT
                    + ", was " + limit);
        }
        Set<LimitReview.Warning> warnings = EnumSet.noneOf(LimitReview.Warning.class);
        if (limit < LOW_LIMIT) {
            warnings.add(LimitReview.Warning.LOW_LIMIT);
        }
        if (limit < currentLoad) {
            warnings.add(LimitReview.Warning.BELOW_CURRENT_LOAD);
        }
        return new LimitReview(limit, Math.max(0, currentLoad), warnings);
    }
}
