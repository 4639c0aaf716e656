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
}
