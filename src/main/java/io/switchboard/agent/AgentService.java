package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.conversation.QueueDispatcher;
import io.switchboard.event.Publisher;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * An agent's own state: status (B3) and capacity (B2). PostgreSQL is written first,
 * then the live copy in Redis, then every session of the agent hears the new state;
 * when the change opens capacity the agent's queues are dispatched at once.
 */
@ApplicationScoped
public class AgentService {

    public static final int MIN_CAPACITY = 1;
    public static final int MAX_CAPACITY = 200;
    /** B2: a limit below this is allowed but the console warns. */
    public static final int LOW_CAPACITY_WARNING = 5;

    public record AgentState(String status, int maxConcurrent, int load, String warning) {}

    private final AgentStore store;
    private final LiveAgents live;
    private final LiveAgentState liveState;
    private final Publisher publisher;
    private final ServerFrames frames;
    private final QueueDispatcher dispatcher;

    AgentService(AgentStore store, LiveAgents live, LiveAgentState liveState, Publisher publisher, ServerFrames frames,
                 QueueDispatcher dispatcher) {
        this.store = store;
        this.live = live;
        this.liveState = liveState;
        this.publisher = publisher;
        this.frames = frames;
        this.dispatcher = dispatcher;
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
                .flatMap(row -> live.setStatus(agent.tenantId(), agent.id(), status))
                .flatMap(present -> present ? Uni.createFrom().voidItem() : liveState.seed(store.pool(), agent.tenantId(), agent.id()))
                .flatMap(v -> announce(agent))
                .invoke(s -> {
                    if (status == AgentStatus.ONLINE) {
                        dispatcher.dispatchForAgent(agent.tenantId(), agent.id()).subscribe().with(x -> { }, e -> { });
                    }
                });
    }

    public Uni<AgentState> setCapacity(Caller agent, Integer max) {
        requireAgent(agent);
        if (max == null || max < MIN_CAPACITY || max > MAX_CAPACITY) {
            throw Problem.invalid("maxConcurrent", "must be between " + MIN_CAPACITY + " and " + MAX_CAPACITY);
        }
        return store.setMax(agent.tenantId(), agent.id(), max)
                .map(found -> found.orElseThrow(() -> Problem.notFound("agent")))
                .flatMap(row -> live.setMax(agent.tenantId(), agent.id(), max))
                .flatMap(present -> present ? Uni.createFrom().voidItem() : liveState.seed(store.pool(), agent.tenantId(), agent.id()))
                .flatMap(v -> announce(agent))
                .invoke(s -> dispatcher.dispatchForAgent(agent.tenantId(), agent.id()).subscribe().with(x -> { }, e -> { }));
    }

    private Uni<AgentState> announce(Caller agent) {
        return state(agent).call(s -> publisher.toStaff(agent.tenantId(), agent.id(),
                frames.status(s.status(), s.load(), s.maxConcurrent())));
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
