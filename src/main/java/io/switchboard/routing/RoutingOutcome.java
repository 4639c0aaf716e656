package io.switchboard.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a new conversation goes, with what the transcript keeps about why. Each kind asks the
 * services for a different action: claim the agent, queue, offer an offline message, or
 * notify admins.
 */
public sealed interface RoutingOutcome {

    /** An agent was chosen; the services claim their capacity and ask again if the claim loses a race. */
    record Assigned(RoutingRule rule, List<String> groupIds, RoutingDecision decision) implements RoutingOutcome {
        public Assigned {
            groupIds = List.copyOf(groupIds);
        }

        public Candidate agent() {
            return decision.chosen();
        }
    }

    /** Agents are online but none has room: the conversation waits its turn (B4). */
    record Queued(RoutingRule rule, List<String> groupIds, RoutingDecision decision) implements RoutingOutcome {
        public Queued {
            groupIds = List.copyOf(groupIds);
        }
    }

    /**
     * Groups are open but nobody in them is online: waiting would be open-ended, so the visitor
     * gets the notice and may leave an offline message (B5).
     *
     * @param notice the rule's out-of-hours text, null for the tenant's default
     */
    record NobodyOnline(RoutingRule rule, List<String> groupIds, String notice, RoutingDecision decision)
            implements RoutingOutcome {
        public NobodyOnline {
            groupIds = List.copyOf(groupIds);
        }
    }

    /**
     * Every group of the rule is closed: the visitor gets the notice, may leave an offline
     * message, and can be told when service resumes (A6, B5).
     *
     * @param notice the rule's out-of-hours text, null for the tenant's default
     */
    record OutOfHours(RoutingRule rule, GroupSelection groups, String notice) implements RoutingOutcome {

        public Optional<Instant> nextOpening() {
            return groups.nextOpening();
        }
    }

    /** No rule matched: admins and supervisors are notified and assign by hand (A6). */
    record Unmatched() implements RoutingOutcome {
    }
}
