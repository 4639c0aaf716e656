package io.switchboard.event;

import io.vertx.core.json.JsonObject;

/**
 * A change of state, recorded in the domain event log in the same transaction as the change
 * (DESIGN "Domain events"). Every reaction (frames to sockets, the outbox's consumers, reports)
 * reads it from there, so no service calls another sideways.
 *
 * <p>Each event names its tenant, its conversation (null for events about an agent), who acted
 * and what happened; {@link #kind()} and {@link #data()} are what the log stores.
 */
public sealed interface DomainEvent {

    String tenantId();

    /** The conversation concerned; null for events that concern no one conversation. */
    String conversationId();

    Actor actor();

    /** The stored kind, stable: readers of the log (and the routing explanation) match on it. */
    String kind();

    /** The stored details, without the tenant, conversation and actor. */
    JsonObject data();

    /** Who acted: a staff user, a visitor, or the system (timers, routing). */
    record Actor(String kind, String id) {

        public static final Actor SYSTEM = new Actor("system", null);

        public static Actor staff(String id) {
            return new Actor("staff", id);
        }

        public static Actor visitor(String id) {
            return new Actor("visitor", id);
        }
    }

    /** Where a transfer sends a conversation: {@code agent} or {@code group}. */
    record Target(String kind, String id, String name) {

        JsonObject json() {
            return new JsonObject().put("kind", kind).put("id", id).put("name", name);
        }
    }

    /** The conversation went from {@code fromAgentId} (null when it was waiting) to an agent or a group (C6). */
    record Transferred(String tenantId, String conversationId, Actor actor, String fromAgentId, Target to, String note)
            implements DomainEvent {

        public String kind() {
            return "transferred";
        }

        public JsonObject data() {
            return new JsonObject().put("from", fromAgentId).put("to", to.json()).put("note", note);
        }
    }

    /** An expert was invited into the conversation (C7). */
    record ParticipantJoined(String tenantId, String conversationId, Actor actor, String agentId) implements DomainEvent {

        public String kind() {
            return "participant_joined";
        }

        public JsonObject data() {
            return new JsonObject().put("agent", agentId);
        }
    }

    /** An expert left the conversation, or was removed from it (C7). */
    record ParticipantLeft(String tenantId, String conversationId, Actor actor, String agentId) implements DomainEvent {

        public String kind() {
            return "participant_left";
        }

        public JsonObject data() {
            return new JsonObject().put("agent", agentId);
        }
    }

    /** The visitor was asked to rate the conversation (C8). */
    record SurveySent(String tenantId, String conversationId, Actor actor) implements DomainEvent {

        public String kind() {
            return "survey_sent";
        }

        public JsonObject data() {
            return new JsonObject();
        }
    }

    /** The visitor rated the conversation 1 to 5 (C8). */
    record Rated(String tenantId, String conversationId, Actor actor, int score, String comment) implements DomainEvent {

        public String kind() {
            return "rated";
        }

        public JsonObject data() {
            return new JsonObject().put("score", score).put("comment", comment);
        }
    }

    // ---------------------------------------------------------------- the conversation's life
    // Kinds and data below are those the log held before it was typed: the routing explanation
    // (GET /conversations/{id}/routing) and the outbox's consumers read them as they are.

    /** A visitor's first message started the conversation; it waits in a queue (A1, B4). */
    record Queued(String tenantId, String conversationId, Actor actor) implements DomainEvent {

        public String kind() {
            return "queued";
        }

        public JsonObject data() {
            return new JsonObject();
        }
    }

    /** A routing rule placed the conversation in a group's queue (A6); {@code why} is the rule, strategy and groups. */
    record Routed(String tenantId, String conversationId, String groupId, JsonObject why) implements DomainEvent {

        public Actor actor() {
            return Actor.SYSTEM;
        }

        public String kind() {
            return "routed";
        }

        public JsonObject data() {
            return why.copy();
        }
    }

    /**
     * The rule's groups are closed or nobody in them is online (B5): the visitor is told
     * {@code text} and the conversation is kept as an offline message for the group.
     */
    record OutOfHours(String tenantId, String conversationId, String groupId, JsonObject why, String text)
            implements DomainEvent {

        public Actor actor() {
            return Actor.SYSTEM;
        }

        public String kind() {
            return "out_of_hours";
        }

        public JsonObject data() {
            return why.copy().put("group", groupId);
        }
    }

    /** No routing rule applies: the conversation waits for an admin or supervisor to assign it by hand. */
    record Unmatched(String tenantId, String conversationId) implements DomainEvent {

        public Actor actor() {
            return Actor.SYSTEM;
        }

        public String kind() {
            return "unmatched";
        }

        public JsonObject data() {
            return new JsonObject().put("reason", "no rule applies");
        }
    }

    /**
     * The conversation was claimed for an agent (DESIGN rule 1). {@code how} is {@code auto}
     * (the dispatcher; {@code why} is its decision: rule, strategy, candidates, choice),
     * {@code pickup} (the agent took it from the queue) or {@code assign} (chosen by an admin or
     * supervisor; {@code load} is the agent's load with it).
     */
    record Assigned(String tenantId, String conversationId, Actor actor, String agentId, String how, int load,
                    JsonObject why) implements DomainEvent {

        public static final String AUTO = "auto";

        public static Assigned auto(String tenantId, String conversationId, String agentId, JsonObject why) {
            return new Assigned(tenantId, conversationId, Actor.SYSTEM, agentId, AUTO, -1, why);
        }

        public static Assigned byHand(String tenantId, String conversationId, String actorId, String agentId, String how,
                                      int load) {
            return new Assigned(tenantId, conversationId, Actor.staff(actorId), agentId, how, load, null);
        }

        public String kind() {
            return "assigned";
        }

        public JsonObject data() {
            return AUTO.equals(how) ? why.copy()
                    : new JsonObject().put("manual", how).put("chosen", agentId).put("load", load);
        }
    }

    /** Auto-reassign (B6): the agent stayed silent for {@code minutes}; the conversation went back to the queue. */
    record Reassigned(String tenantId, String conversationId, String fromAgentId, int minutes) implements DomainEvent {

        public Actor actor() {
            return Actor.SYSTEM;
        }

        public String kind() {
            return "reassigned";
        }

        public JsonObject data() {
            return new JsonObject().put("from", fromAgentId).put("minutes", minutes).put("reason", "no agent reply");
        }
    }

    /** The agent was removed by an admin: the conversation they held went back to the queue. */
    record Released(String tenantId, String conversationId, Actor actor, String agentId) implements DomainEvent {

        public String kind() {
            return "released";
        }

        public JsonObject data() {
            return new JsonObject().put("reason", "agent_removed").put("agentId", agentId);
        }
    }

    /** Auto-close (B6): the visitor was silent for {@code minutes}. A {@link Closed} with reason {@code timeout} follows. */
    record AutoClosed(String tenantId, String conversationId, int minutes) implements DomainEvent {

        public Actor actor() {
            return Actor.SYSTEM;
        }

        public String kind() {
            return "auto_closed";
        }

        public JsonObject data() {
            return new JsonObject().put("minutes", minutes).put("reason", "visitor silent");
        }
    }

    /**
     * The conversation closed: {@code reason} is {@code visitor}, {@code agent}, {@code supervisor}
     * or {@code timeout}. A staff member who closes acts as {@code agent} in the log, as always.
     */
    record Closed(String tenantId, String conversationId, Actor actor, String reason) implements DomainEvent {

        public String kind() {
            return "closed";
        }

        public JsonObject data() {
            return new JsonObject().put("reason", reason);
        }
    }

    /** An offline message nobody served within its keep (B5) closed unanswered. */
    record Expired(String tenantId, String conversationId) implements DomainEvent {

        public static final String REASON = "offline message unserved for 7 days";

        public Actor actor() {
            return Actor.SYSTEM;
        }

        public String kind() {
            return "expired";
        }

        public JsonObject data() {
            return new JsonObject().put("reason", REASON);
        }
    }

    // ---------------------------------------------------------------- agents

    /** An agent set their status (B3): {@code online}, {@code break} or {@code offline}. */
    record AgentStatusChanged(String tenantId, String agentId, String status) implements DomainEvent {

        public String conversationId() {
            return null;
        }

        public Actor actor() {
            return Actor.staff(agentId);
        }

        public String kind() {
            return "agent_status_changed";
        }

        public JsonObject data() {
            return new JsonObject().put("agent", agentId).put("status", status);
        }
    }

    /** An agent set their own limit of concurrent conversations (B2). */
    record AgentLimitChanged(String tenantId, String agentId, int maxConcurrent) implements DomainEvent {

        public String conversationId() {
            return null;
        }

        public Actor actor() {
            return Actor.staff(agentId);
        }

        public String kind() {
            return "agent_limit_changed";
        }

        public JsonObject data() {
            return new JsonObject().put("agent", agentId).put("max", maxConcurrent);
        }
    }

    /**
     * An agent may have room for another conversation: one they held closed, was reassigned or
     * transferred away. Raised after commit by whoever gave the capacity back in Redis, and
     * never appended: the event that freed it is in the log already. The dispatcher reacts by
     * serving the queues the agent may take from.
     */
    record CapacityFreed(String tenantId, String agentId) implements DomainEvent {

        public String conversationId() {
            return null;
        }

        public Actor actor() {
            return Actor.SYSTEM;
        }

        public String kind() {
            return "capacity_freed";
        }

        public JsonObject data() {
            return new JsonObject().put("agent", agentId);
        }
    }
}
