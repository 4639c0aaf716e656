package io.switchboard.routing;

import java.util.HashSet;
import java.util.Set;

/**
 * What a strategy may know about the conversation being routed, beyond the candidates: who
 * the customer belongs to, who served them last, what skills the conversation needs, where
 * the round-robin rotation stands, and which agents must not get it this time. The services
 * read these from PostgreSQL and Redis and pass them in; strategies never look them up.
 *
 * @param customerOwnerId   owner of the identified customer in the tenant's CRM, null if none
 * @param contactOwnerId    owner of the contact person, null if none
 * @param lastAgentId       the agent of the customer's previous conversation, null for a newcomer
 * @param requiredSkills    skills the conversation calls for, empty when any agent will do
 * @param roundRobinCursor  the agent the rotation gave the last conversation to, null to start at the head
 * @param excludedAgentIds  agents that must not be chosen: a silent agent being reassigned away
 *                          from, or agents whose capacity claim already lost a race this round
 */
public record RoutingContext(String customerOwnerId, String contactOwnerId, String lastAgentId,
                             Set<String> requiredSkills, String roundRobinCursor, Set<String> excludedAgentIds) {

    private static final RoutingContext NONE = new RoutingContext(null, null, null, Set.of(), null, Set.of());

    public RoutingContext {
        requiredSkills = requiredSkills == null ? Set.of() : Set.copyOf(requiredSkills);
        excludedAgentIds = excludedAgentIds == null ? Set.of() : Set.copyOf(excludedAgentIds);
    }

    /** An anonymous newcomer with no preferences. */
    public static RoutingContext none() {
        return NONE;
    }

    public RoutingContext withCustomerOwner(String agentId) {
        return new RoutingContext(agentId, contactOwnerId, lastAgentId, requiredSkills, roundRobinCursor, excludedAgentIds);
    }

    public RoutingContext withContactOwner(String agentId) {
        return new RoutingContext(customerOwnerId, agentId, lastAgentId, requiredSkills, roundRobinCursor, excludedAgentIds);
    }

    public RoutingContext withLastAgent(String agentId) {
        return new RoutingContext(customerOwnerId, contactOwnerId, agentId, requiredSkills, roundRobinCursor, excludedAgentIds);
    }

    public RoutingContext withRequiredSkills(Set<String> skills) {
        return new RoutingContext(customerOwnerId, contactOwnerId, lastAgentId, skills, roundRobinCursor, excludedAgentIds);
    }

    public RoutingContext withRoundRobinCursor(String agentId) {
        return new RoutingContext(customerOwnerId, contactOwnerId, lastAgentId, requiredSkills, agentId, excludedAgentIds);
    }

    /** This context with more agents excluded; the ones already excluded stay so. */
    public RoutingContext excluding(Set<String> agentIds) {
        Set<String> all = new HashSet<>(excludedAgentIds);
        all.addAll(agentIds);
        return new RoutingContext(customerOwnerId, contactOwnerId, lastAgentId, requiredSkills, roundRobinCursor, all);
    }

    /** May routing give this conversation to this agent now? Capacity and status first, then exclusions. */
    public boolean eligible(Candidate agent) {
        return CapacityRules.mayAssign(agent, AssignmentKind.AUTOMATIC) && !excludedAgentIds.contains(agent.agentId());
    }
}
