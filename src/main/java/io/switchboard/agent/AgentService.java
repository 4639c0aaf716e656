package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.event.Committed;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.routing.AgentStatus;
import io.switchboard.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * An agent's own state: status (B3) and capacity (B2). PostgreSQL is written first, with
 * the change's event, then the live copy in Redis, then the fan-out tells every session of
 * the agent; the dispatcher reacts to the event when it opens capacity.
 */
@ApplicationScoped
public class AgentService {

    public static final int MIN_CAPACITY = 1;
    public static final int MAX_CAPACITY = 200;
    /** B2: a limit below this is allowed but the console warns. */
    public static final int LOW_CAPACITY_WARNING = 5;

    public record AgentState(String status, int maxConcurrent, int load, String warning) {}

    private final AgentStore store;
    private final LiveAgentState liveState;
    private final FanOut fanOut;
    private final ServerFrames frames;

    AgentService(AgentStore store, LiveAgentState liveState, FanOut fanOut, ServerFrames frames) {
        this.store = store;
        this.liveState = liveState;
        this.fanOut = fanOut;
        this.frames = frames;
    }

    public Uni<AgentState> state(Caller agent) {
        requireAgent(agent);
        return liveState.current(agent.tenantId(), agent.id()).flatMap(s -> {
            if (!s.present()) {
                return Uni.createFrom().failure(Problem.notFound("agent"));
            }
            return Uni.createFrom().item(new AgentState(s.status().wire(), s.maxConcurrent(), s.load(), warning(s.maxConcurrent(), s.load())));
        });
    }

    public Uni<List<String>> statusFrame(Caller agent) {
        return state(agent).map(s -> List.of(frames.status(s.status(), s.load(), s.maxConcurrent())));
    }

    public Uni<AgentState> setStatus(Caller agent, String value) {
        requireAgent(agent);
        AgentStatus status = AgentStatus.parse(value)
                .orElseThrow(() -> Problem.invalid("status", "must be online, break or offline"));
        return store.setStatus(agent.tenantId(), agent.id(), status)
                .map(found -> found.orElseThrow(() -> Problem.notFound("agent")))
                .flatMap(changed -> liveState.changeStatus(store.pool(), agent.tenantId(), agent.id(), status)
                        .flatMap(v -> announce(agent, changed.eventId(),
                                new DomainEvent.AgentStatusChanged(agent.tenantId(), agent.id(), status.wire()))));
    }

    public Uni<AgentState> setCapacity(Caller agent, Integer max) {
        requireAgent(agent);
        if (max == null || max < MIN_CAPACITY || max > MAX_CAPACITY) {
            throw Problem.invalid("maxConcurrent", "must be between " + MIN_CAPACITY + " and " + MAX_CAPACITY);
        }
        return store.setMax(agent.tenantId(), agent.id(), max)
                .map(found -> found.orElseThrow(() -> Problem.notFound("agent")))
                .flatMap(changed -> liveState.changeMax(store.pool(), agent.tenantId(), agent.id(), max)
                        .flatMap(v -> announce(agent, changed.eventId(),
                                new DomainEvent.AgentLimitChanged(agent.tenantId(), agent.id(), max))));
    }

    /** After commit and the live copy: the agent's sessions get their figures, and reactions (the dispatcher) run. */
    private Uni<AgentState> announce(Caller agent, long eventId, DomainEvent change) {
        return state(agent).call(s -> fanOut.publish(Committed.of(eventId, change,
                Facts.agent(agent.id(), new Facts.Figures(s.status(), s.load(), s.maxConcurrent())))));
    }

    /** B2: warn on a very low limit, and when the limit is below the current load (no new assignments until it falls). */
    public static String warning(int max, int load) {
        if (load > max) {
            return "limit is below your current load: no new conversations until it falls under " + max;
        }
        if (max < LOW_CAPACITY_WARNING) {
            return "a limit below " + LOW_CAPACITY_WARNING + " may leave visitors waiting";
        }
        return null;
    }

    private static void requireAgent(Caller caller) {
        if (!caller.isStaff() || !caller.isAgent()) {
            throw Problem.forbidden("only agents have a status and capacity");
        }
    }
}
