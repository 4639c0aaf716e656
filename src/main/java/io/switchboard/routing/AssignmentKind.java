package io.switchboard.routing;

/**
 * How a conversation reaches an agent. The kind decides which limits apply (B2, B3): only
 * automatic assignment is held back by the agent's capacity.
 */
public enum AssignmentKind {
    /** Routing chose the agent: online only, below the limit. */
    AUTOMATIC,
    /** The agent picked the conversation from the queue, or an admin assigned it by hand. */
    MANUAL,
    /** Another agent or a supervisor handed the conversation over. */
    TRANSFER
}
