package io.switchboard.routing;

import java.util.Set;

/**
 * The outcome of changing an agent's limit: accepted, with the warnings the admin or agent
 * should see (B2). Carried as a value so the REST layer can show it next to the saved figure.
 */
public record LimitReview(int limit, int load, Set<Warning> warnings) {

    public enum Warning {
        /** The limit is below {@link CapacityRules#LOW_LIMIT}. */
        LOW_LIMIT,
        /** The agent already holds more than the new limit; automatic assignment waits until they are below it. */
        BELOW_CURRENT_LOAD
    }

    public LimitReview {
        warnings = Set.copyOf(warnings);
    }

    /** True while automatic assignment is held for this agent under the new limit. */
    public boolean holdsAssignments() {
        return load >= limit;
    }

    /** Conversations the agent must finish before automatic assignment resumes. */
    public int toFinishBeforeResuming() {
        return Math.max(0, load - limit + 1);
    }
}
