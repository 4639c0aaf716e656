package io.switchboard.routing;

import java.util.Comparator;
import java.util.Map;
import java.util.Objects;

/**
 * An agent who might take a conversation, with the live figures a decision needs. Strategies
 * see only these values (DESIGN rule 4), so everything a strategy weighs must be here.
 *
 * @param lastAssignedAt epoch millis of the agent's last assignment, 0 if never
 * @param todayCount     conversations the agent received today, for the fewest-today strategy
 * @param skills         skill name to level (higher is better), for the skill-weighted strategy
 */
public record Candidate(String agentId, AgentStatus status, int load, int maxConcurrent, long lastAssignedAt,
                        int todayCount, Map<String, Integer> skills) {

    /**
     * The tie-break every strategy shares: the agent who has waited longest since their last
     * assignment goes first, so equal agents take turns; the id settles what remains, so the
     * same figures always give the same choice.
     */
    public static final Comparator<Candidate> TIE_BREAK = Comparator.comparingLong(Candidate::lastAssignedAt)
            .thenComparing(Candidate::agentId);

    public Candidate {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(status, "status");
        skills = skills == null ? Map.of() : Map.copyOf(skills);
    }

    /** An agent with live figures only, as the least-load strategy needs. */
    public Candidate(String agentId, AgentStatus status, int load, int maxConcurrent, long lastAssignedAt) {
        this(agentId, status, load, maxConcurrent, lastAssignedAt, 0, Map.of());
    }

    public Candidate withTodayCount(int count) {
        return new Candidate(agentId, status, load, maxConcurrent, lastAssignedAt, count, skills);
    }

    public Candidate withSkills(Map<String, Integer> levels) {
        return new Candidate(agentId, status, load, maxConcurrent, lastAssignedAt, todayCount, levels);
    }

    /** Automatic assignment only to online agents below their limit (B2, B3). */
    public boolean canTakeAutomatically() {
        return CapacityRules.mayAssign(this, AssignmentKind.AUTOMATIC);
    }

    /** At or over the limit: the console shows the agent busy (B2). */
    public boolean atLimit() {
        return load >= maxConcurrent;
    }

    /** The skill's level, 0 when the agent does not have it. */
    public int skillLevel(String skill) {
        return skills.getOrDefault(skill, 0);
    }
}
