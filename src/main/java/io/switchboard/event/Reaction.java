package io.switchboard.event;

import io.smallrye.mutiny.Uni;

/**
 * Something the replica does when an event has committed, besides telling sockets: the
 * dispatcher serving an agent's queues when capacity freed, say. Reactions hang on the event
 * stream so that services call no one sideways (DESIGN "Domain events"). They run after the
 * event's frames were published, on the replica that committed it; a failure is logged, never
 * the caller's.
 */
public interface Reaction {

    Uni<Void> react(Committed committed);
}
