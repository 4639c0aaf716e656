package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.common.Problem;
import io.switchboard.event.Publisher;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.RoutingDecision;
import io.switchboard.routing.live.LiveAgents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands queued conversations to agents, oldest first (B4). Every new conversation enters
 * the queue and is dispatched from there, so a newcomer never overtakes a waiting visitor.
 *
 * <p>Across replicas: each round locks the head of the queue with {@code FOR UPDATE},
 * reserves capacity with the Redis claim script, then records the assignee with a
 * conditional update; a failed transaction gives the reservation back (DESIGN rule 1).
 * Rounds of one group on different replicas therefore take turns on the head instead of
 * skipping it: with {@code SKIP LOCKED} a round that held the head while finding nobody
 * free let another replica's round serve the second visitor first.
 * Within a replica, one loop per group runs at a time and later requests only ask it to
 * go round again, so a burst of arrivals does not open a connection each.
 */
@ApplicationScoped
public class QueueDispatcher {

    private static final Logger LOG = Logger.getLogger(QueueDispatcher.class);
    /** Claims lost to other replicas before this round gives up and leaves the head queued. */
    private static final int MAX_CLAIM_ATTEMPTS = 5;
    /**
     * Heads locked and served per transaction. Larger batches save more round trips but hold
     * the heads (and a queued visitor's next message, which updates the row) for longer.
     */
    private static final int BATCH = 32;

    /** A committed assignment, what is announced after commit. */
    record Assignment(String tenantId, String conversationId, String visitorId, String agentId, String agentName) {}

    /** What one transaction assigned; {@code more} when every head it locked was served, so more may wait. */
    private record Batch(List<Assignment> assignments, boolean more) {}

    /**
     * What the heads of one batch share: their plans (rule, pool, figures) when they do not
     * depend on the visitor, and the agents' live figures, updated by this batch's own claims.
     */
    private static final class Round {
        final Map<String, DispatchStrategies.How> plans = new HashMap<>();
        final Map<String, LiveAgents.LiveState> live = new HashMap<>();
        final List<Assignment> done = new ArrayList<>();
    }

    private final ConversationStore store;
    private final AgentStore agents;
    private final LiveAgents live;
    private final LiveAgentState liveState;
    private final Publisher publisher;
    private final ServerFrames frames;
    private final TimerDeadlines timers;
    private final DispatchStrategies strategies;
    private final QueuePositions positions;
    private final Map<String, Loop> loops = new ConcurrentHashMap<>();

    QueueDispatcher(ConversationStore store, AgentStore agents, LiveAgents live, LiveAgentState liveState,
                    Publisher publisher, ServerFrames frames, TimerDeadlines timers, DispatchStrategies strategies,
                    QueuePositions positions) {
        this.strategies = strategies;
        this.positions = positions;
        this.timers = timers;
        this.store = store;
        this.agents = agents;
        this.live = live;
        this.liveState = liveState;
        this.publisher = publisher;
        this.frames = frames;
    }

    /** One group's dispatch loop on this replica; {@code again} asks it to run once more. */
    private static final class Loop {
        boolean again;
    }

    /** Dispatches the group's queue until it is empty or nobody has capacity. Never fails. */
    public Uni<Void> dispatch(String tenantId, String groupId) {
        String key = tenantId + "/" + groupId;
        Loop fresh = new Loop();
        Loop running = loops.putIfAbsent(key, fresh);
        if (running != null) {
            synchronized (running) {
                if (loops.get(key) == running) {
                    running.again = true;
                    return Uni.createFrom().voidItem();
                }
            }
            return dispatch(tenantId, groupId);
        }
        return runLoop(tenantId, groupId, key, fresh);
    }

    private Uni<Void> runLoop(String tenantId, String groupId, String key, Loop loop) {
        return drain(tenantId, groupId, 0)
                .onFailure().invoke(e -> LOG.warnf(e, "dispatch of group %s failed", groupId))
                .onFailure().recoverWithItem(0)
                .invoke(assigned -> publishPositions(tenantId, groupId))
                .flatMap(v -> {
                    synchronized (loop) {
                        if (loop.again) {
                            loop.again = false;
                            return runLoop(tenantId, groupId, key, loop);
                        }
                        loops.remove(key, loop);
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Integer> drain(String tenantId, String groupId, int assignedSoFar) {
        return assignBatch(tenantId, groupId).flatMap(batch -> {
            if (batch.assignments().isEmpty()) {
                return Uni.createFrom().item(assignedSoFar);
            }
            // After commit, the batch's assignments are announced while the next batch is
            // assigned: each conversation's frames keep their order, and the queue does not
            // wait for them.
            for (Assignment a : batch.assignments()) {
                announce(a).subscribe().with(x -> { }, e -> LOG.debugf(e, "announcing %s failed", a.conversationId()));
            }
            int total = assignedSoFar + batch.assignments().size();
            return batch.more() ? drain(tenantId, groupId, total) : Uni.createFrom().item(total);
        });
    }

    /**
     * One transaction: locks up to {@link #BATCH} heads of the queue in serving order and gives
     * each, in that order, to the best agent with capacity; stops at the first head nobody can
     * take, so nobody behind it is served first. Batching spares each assignment a transaction
     * and a reading of the whole queue; the heads of one group are served in order anyway.
     */
    private Uni<Batch> assignBatch(String tenantId, String groupId) {
        // Agents reserved in Redis by this transaction and not given back: released if it fails.
        List<String> claimed = new ArrayList<>();
        return store.pool().withTransaction(conn -> lockHeads(conn, tenantId, groupId)
                        .flatMap(heads -> serve(conn, tenantId, heads, 0, new Round(), claimed)))
                .onFailure().call(e -> {
                    if (claimed.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    List<Uni<Void>> releases = new ArrayList<>(claimed.size());
                    for (String agentId : claimed) {
                        releases.add(liveState.release(tenantId, agentId));
                    }
                    return Uni.join().all(releases).andCollectFailures().replaceWithVoid();
                });
    }

    private Uni<Batch> serve(SqlConnection conn, String tenantId, List<Locked> heads, int index, Round round,
                             List<String> claimed) {
        if (index >= heads.size()) {
            return Uni.createFrom().item(new Batch(round.done, !heads.isEmpty()));
        }
        Locked locked = heads.get(index);
        String conversationId = locked.head().conversationId();
        // An agent who stayed silent on this conversation is not offered it again (B6).
        Set<String> excluded = new HashSet<>();
        if (locked.excluded() != null) {
            excluded.add(locked.excluded());
        }
        return plan(conn, tenantId, locked.head(), round)
                .flatMap(how -> chooseAndRecord(conn, tenantId, locked.head(), how.members(), excluded, 0, claimed, how, round)
                        .flatMap(done -> {
                            if (done.isEmpty()) {
                                return Uni.createFrom().item(new Batch(round.done, false));
                            }
                            String agentId = done.get().agentId();
                            round.done.add(done.get());
                            if (!how.perVisitor()) {
                                round.plans.put(planKey(locked.head()), how.afterPick(agentId));
                            }
                            return strategies.picked(tenantId, how, agentId)
                                    .flatMap(v -> serve(conn, tenantId, heads, index + 1, round, claimed));
                        }));
    }

    /** The head's plan, shared with the batch's other heads of the same rule, group and channel when it can be. */
    private Uni<DispatchStrategies.How> plan(SqlConnection conn, String tenantId, DispatchStrategies.Head head, Round round) {
        DispatchStrategies.How cached = round.plans.get(planKey(head));
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return strategies.plan(conn, tenantId, head).invoke(how -> {
            if (!how.perVisitor()) {
                round.plans.put(planKey(head), how);
            }
        });
    }

    private static String planKey(DispatchStrategies.Head head) {
        return head.ruleId() + "|" + head.groupId() + "|" + head.channelId();
    }

    /** A locked head and the agent auto-reassign took it from, if any. */
    private record Locked(DispatchStrategies.Head head, String excluded) {}

    /**
     * Locks the next conversations to serve in the group (B4: channel priority, then the
     * channel's first-in or last-in order), up to {@link #BATCH}, and returns those still
     * waiting in serving order. Not SKIP LOCKED: heads held by another replica's round that
     * finds nobody free must not be skipped, or freed capacity would go to the visitors behind
     * them. Rows are locked in id order, so two replicas locking overlapping batches wait for
     * each other instead of deadlocking; a head served while this round waited drops out.
     */
    private Uni<List<Locked>> lockHeads(SqlConnection conn, String tenantId, String groupId) {
        return store.waiting(conn, tenantId, groupId, false).flatMap(waiting -> {
            if (waiting.isEmpty()) {
                return Uni.createFrom().item(List.<Locked>of());
            }
            List<ConversationStore.Waiting> ordered = ConversationStore.order(waiting);
            List<UUID> ids = new ArrayList<>(Math.min(BATCH, ordered.size()));
            for (int i = 0; i < ordered.size() && i < BATCH; i++) {
                ids.add(UUID.fromString(ordered.get(i).conversationId()));
            }
            return conn.preparedQuery("""
                            select id, reassign_excluded, routing_rule_id, visitor_id, channel_id, group_id from conversations
                            where id = any($1) and state = 'queued' and hold is null order by id for update""")
                    .execute(Tuple.of(ids.toArray(UUID[]::new)))
                    .map(rows -> {
                        Map<UUID, Locked> byId = new HashMap<>();
                        for (Row r : rows) {
                            String id = r.getUUID("id").toString();
                            byId.put(r.getUUID("id"), new Locked(
                                    new DispatchStrategies.Head(id, ConversationRow.str(r.getUUID("routing_rule_id")),
                                            r.getUUID("visitor_id").toString(), ConversationRow.str(r.getUUID("channel_id")),
                                            ConversationRow.str(r.getUUID("group_id"))),
                                    ConversationRow.str(r.getUUID("reassign_excluded"))));
                        }
                        List<Locked> out = new ArrayList<>(byId.size());
                        for (UUID id : ids) {
                            Locked l = byId.get(id);
                            if (l != null) {
                                out.add(l);
                            }
                        }
                        return out;
                    });
        });
    }

    /** PostgreSQL found the agent full although Redis let the claim through (Redis lost or drifted its count). */
    private static final class FullInPostgres extends RuntimeException {
        FullInPostgres() {
            super(null, null, false, false);
        }
    }

    /**
     * Claims an agent and records the assignment; when PostgreSQL's own count refuses the
     * agent, gives the reservation back and tries the next agent in the same round.
     */
    private Uni<Optional<Assignment>> chooseAndRecord(SqlConnection conn, String tenantId, DispatchStrategies.Head head,
                                                      List<AgentStore.AgentRow> members, Set<String> excluded, int attempt,
                                                      List<String> claimed, DispatchStrategies.How how, Round round) {
        return choose(conn, tenantId, members, excluded, attempt, how, round).flatMap(choice -> {
            if (choice.isEmpty()) {
                return Uni.createFrom().item(Optional.<Assignment>empty());
            }
            String agentId = choice.get().chosen().agentId();
            claimed.add(agentId);
            return record(conn, tenantId, head, how, choice.get())
                    .onFailure(FullInPostgres.class).recoverWithUni(e -> {
                        claimed.remove(agentId);
                        excluded.add(agentId);
                        round.live.clear();
                        return liveState.release(tenantId, agentId)
                                .flatMap(v -> chooseAndRecord(conn, tenantId, head, members, excluded, attempt + 1, claimed, how, round));
                    });
        });
    }

    /**
     * Reads live figures (the batch's, on a first attempt), decides in pure code, claims in
     * Redis; retries with fresh figures and without agents whose claim lost a race.
     */
    private Uni<Optional<RoutingDecision>> choose(SqlConnection conn, String tenantId, List<AgentStore.AgentRow> members,
                                                  Set<String> excluded, int attempt, DispatchStrategies.How how, Round round) {
        if (members.isEmpty() || attempt >= MAX_CLAIM_ATTEMPTS) {
            return Uni.createFrom().item(Optional.empty());
        }
        List<String> ids = members.stream().map(AgentStore.AgentRow::id).toList();
        Uni<List<LiveAgents.LiveState>> figures;
        if (attempt == 0 && round.live.keySet().containsAll(ids)) {
            List<LiveAgents.LiveState> known = new ArrayList<>(ids.size());
            ids.forEach(id -> known.add(round.live.get(id)));
            figures = Uni.createFrom().item(known);
        } else {
            figures = live.snapshot(tenantId, ids).invoke(states -> {
                for (int i = 0; i < ids.size(); i++) {
                    round.live.put(ids.get(i), states.get(i));
                }
            });
        }
        return figures.flatMap(states -> {
            List<Uni<Void>> seeds = new ArrayList<>();
            List<Candidate> candidates = new ArrayList<>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                if (!states.get(i).present()) {
                    seeds.add(liveState.seed(conn, tenantId, ids.get(i)));
                } else {
                    candidates.add(LiveAgents.candidate(ids.get(i), states.get(i)));
                }
            }
            if (!seeds.isEmpty()) {
                return Uni.join().all(seeds).andFailFast()
                        .flatMap(v -> choose(conn, tenantId, members, excluded, attempt + 1, how, round));
            }
            RoutingDecision decision = how.router().decide(how.enrich(candidates), how.context().excluding(excluded));
            if (!decision.assigned()) {
                return Uni.createFrom().item(Optional.empty());
            }
            String agentId = decision.chosen().agentId();
            long now = System.currentTimeMillis();
            return live.claim(tenantId, agentId, now).flatMap(claim -> switch (claim.outcome()) {
                case CLAIMED -> {
                    LiveAgents.LiveState before = round.live.get(agentId);
                    round.live.put(agentId, new LiveAgents.LiveState(true, before.status(), claim.load(), before.maxConcurrent(), now));
                    yield Uni.createFrom().item(Optional.of(decision));
                }
                case MISSING -> liveState.seed(conn, tenantId, agentId)
                        .flatMap(v -> choose(conn, tenantId, members, excluded, attempt + 1, how, round));
                case REFUSED -> {
                    excluded.add(agentId);
                    yield choose(conn, tenantId, members, excluded, attempt + 1, how, round);
                }
            });
        });
    }

    private Uni<Optional<Assignment>> record(SqlConnection conn, String tenantId, DispatchStrategies.Head head,
                                             DispatchStrategies.How how, RoutingDecision decision) {
        String agentId = decision.chosen().agentId();
        String conversationId = head.conversationId();
        // One statement, one round trip: the agent row is locked, and PostgreSQL's own count of
        // their open conversations is checked against the limit (Redis is the fast gate, this is
        // the one that holds when Redis lost or drifted its counters until the reconciler
        // rebuilds them); only then is the conversation assigned and the event written.
        // Assignments of one agent therefore commit one at a time. The same lock makes an admin
        // removing the agent (who locks it first, then gives back its conversations) either wait
        // for this assignment and release it, or leave this round nothing to record.
        // clock_timestamp, not now(): heads of one batch share a transaction, and their
        // assignment times must still follow the serving order.
        return conn.preparedQuery("""
                        with agent as (
                          select a.max_concurrent,
                                 (select count(*) from conversations c where c.assignee_id = a.user_id and c.state = 'open') as load
                          from agents a where a.user_id = $3 and a.removed_at is null for update of a),
                        assigned as (
                          update conversations set state = 'open', assignee_id = $3, assigned_at = clock_timestamp(),
                                 hold = null, offline_until = null, reassign_excluded = null
                          where id = $1 and tenant_id = $2 and state = 'queued' and assignee_id is null
                            and exists (select 1 from agent where load < max_concurrent)
                          returning id, tenant_id),
                        logged as (
                          insert into conversation_events (tenant_id, conversation_id, kind, actor_kind, data)
                          select tenant_id, id, 'assigned', 'system', $4 from assigned returning 1)
                        select (select count(*) from agent) as present, (select count(*) from logged) as recorded""")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), UUID.fromString(agentId),
                        why(how.ruleId(), decision)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong("present") != 1) {
                        throw new IllegalStateException("agent was removed while being assigned");
                    }
                    if (r.getLong("recorded") != 1) {
                        // The conversation is locked by this round, so only a full agent explains it.
                        throw new FullInPostgres();
                    }
                    String name = how.members().stream().filter(m -> m.id().equals(agentId)).findFirst()
                            .map(AgentStore.AgentRow::name).orElse(null);
                    return Optional.of(new Assignment(tenantId, conversationId, head.visitorId(), agentId, name));
                });
    }

    /**
     * Assigns a waiting conversation by hand: an agent picking it up from the queue, or an
     * admin or supervisor choosing the agent (B2, B4, unmatched conversations). It may exceed
     * the agent's limit but counts as load; it never goes to an offline agent. The same two
     * steps as automatic routing (DESIGN rule 1): reserve in Redis, then a conditional update
     * that only a still-queued conversation passes; the reservation is given back otherwise.
     *
     * @param how {@code pickup} or {@code assign}, kept in the event
     * @return the assigned conversation; fails with 409 when it no longer waits or the agent is offline
     */
    public Uni<ConversationRow> assignByHand(String tenantId, String conversationId, String agentId, String actorId,
                                             String how) {
        // Conversation row first, then the agent's: the order the dispatcher locks them in.
        return forceClaim(tenantId, agentId, false).flatMap(claimed -> store.pool().withTransaction(conn -> conn
                        .preparedQuery("""
                                update conversations set state = 'open', assignee_id = $3, assigned_at = now(), hold = null, offline_until = null, reassign_excluded = null
                                where id = $1 and tenant_id = $2 and state = 'queued' and assignee_id is null""")
                        .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), UUID.fromString(agentId)))
                        .flatMap(rows -> {
                            if (rows.rowCount() != 1) {
                                return Uni.createFrom().<io.vertx.mutiny.sqlclient.RowSet<Row>>failure(
                                        Problem.conflict("conversation is not waiting in the queue"));
                            }
                            return conn.preparedQuery("select 1 from agents where user_id = $1 and tenant_id = $2 and removed_at is null for share")
                                    .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId)));
                        })
                        .flatMap(present -> {
                            if (present.size() != 1) {
                                return Uni.createFrom().<Void>failure(Problem.notFound("agent"));
                            }
                            return store.event(conn, tenantId, conversationId, "assigned", "staff", actorId,
                                    new JsonObject().put("manual", how).put("chosen", agentId).put("load", claimed));
                        })
                        .flatMap(v -> conn.preparedQuery("select " + ConversationRow.COLUMNS + " where c.id = $1")
                                .execute(Tuple.of(UUID.fromString(conversationId))))
                        .map(rows -> ConversationStore.firstConversation(rows).orElseThrow()))
                .onFailure().call(e -> liveState.release(tenantId, agentId)))
                .call(row -> announce(new Assignment(tenantId, row.id(), row.visitorId(), agentId, row.assigneeName())).onFailure().recoverWithNull())
                .invoke(row -> publishPositions(tenantId, row.groupId()));
    }

    /**
     * Auto-reassign (B6): takes the conversation from an agent who has not replied for
     * {@code silence} and sends it back to its queue, where the dispatcher offers it to anyone
     * but them. The update re-checks the silence in PostgreSQL, so a reply that raced the
     * timer wins. Leaves a system message and a {@code reassigned} event.
     *
     * @return true when this call took it away
     */
    public Uni<Boolean> reassignSilent(String tenantId, String conversationId, Duration silence, int minutes) {
        String text = "No reply from the agent for " + minutes + " minute" + (minutes == 1 ? "" : "s")
                + ": looking for another agent.";
        return store.pool().withTransaction(conn -> conn.preparedQuery("""
                                update conversations c set state = 'queued', assignee_id = null, assigned_at = null,
                                       reassign_excluded = prev.assignee_id, queued_at = coalesce(c.queued_at, c.created_at)
                                from conversations prev
                                where c.id = $1 and c.tenant_id = $2 and c.state = 'open' and prev.id = c.id
                                  and c.assigned_at <= now() - make_interval(secs => $3)
                                  and (c.last_agent_message_at is null
                                       or c.last_agent_message_at < greatest(c.assigned_at, c.last_visitor_message_at))
                                returning c.visitor_id, c.group_id, prev.assignee_id as silent""")
                        .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), silence.toMillis() / 1000.0))
                        .flatMap(rows -> {
                            Optional<Row> row = ConversationStore.first(rows);
                            if (row.isEmpty()) {
                                return Uni.createFrom().item(Optional.<String[]>empty());
                            }
                            Row r = row.get();
                            String silent = r.getUUID("silent").toString();
                            String[] out = {r.getUUID("visitor_id").toString(), ConversationRow.str(r.getUUID("group_id")), silent, null};
                            return store.appendSystem(conn, tenantId, conversationId, text)
                                    .flatMap(seq -> {
                                        out[3] = Long.toString(seq);
                                        return store.event(conn, tenantId, conversationId, "reassigned", "system", null,
                                                new JsonObject().put("from", silent).put("minutes", minutes).put("reason", "no agent reply"));
                                    })
                                    .replaceWith(Optional.of(out));
                        }))
                .flatMap(done -> {
                    if (done.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    String visitorId = done.get()[0];
                    String groupId = done.get()[1];
                    String silent = done.get()[2];
                    String message = frames.message(new ServerFrames.MessageView(conversationId, Long.parseLong(done.get()[3]),
                            "system", null, null, text, false, java.time.Instant.now()));
                    return publisher.toVisitor(tenantId, visitorId, message)
                            .flatMap(v -> publisher.toStaff(tenantId, silent, message))
                            .flatMap(v -> publisher.toStaff(tenantId, silent, frames.notice(conversationId, "reassigned", text)))
                            .flatMap(v -> liveState.release(tenantId, silent))
                            .flatMap(v -> liveState.current(tenantId, silent))
                            .flatMap(st -> publisher.toStaff(tenantId, silent, frames.status(st.status().wire(), st.load(), st.maxConcurrent())))
                            .onFailure().recoverWithNull()
                            .invoke(() -> dispatch(tenantId, groupId).subscribe().with(x -> { }, e -> { }))
                            .replaceWith(true);
                });
    }

    private Uni<Integer> forceClaim(String tenantId, String agentId, boolean seeded) {
        return live.forceClaim(tenantId, agentId, System.currentTimeMillis()).flatMap(claim -> switch (claim.outcome()) {
            case CLAIMED -> Uni.createFrom().item(claim.load());
            case REFUSED -> Uni.createFrom().failure(Problem.conflict("the agent is offline"));
            case MISSING -> seeded ? Uni.createFrom().failure(Problem.notFound("agent"))
                    : liveState.seed(store.pool(), tenantId, agentId).flatMap(v -> forceClaim(tenantId, agentId, true));
        });
    }

    /**
     * What the transcript keeps about a decision: the rule, its strategy, the candidates with
     * their figures, the choice, which strategy made it (a fallback, say) and why.
     */
    static JsonObject why(String ruleId, RoutingDecision d) {
        JsonArray candidates = new JsonArray();
        for (Candidate c : d.candidates()) {
            candidates.add(new JsonObject().put("agentId", c.agentId()).put("status", c.status().wire())
                    .put("load", c.load()).put("max", c.maxConcurrent()));
        }
        JsonObject why = new JsonObject().put("rule", ruleId).put("strategy", d.strategy()).put("candidates", candidates)
                .put("chosen", d.chosen() == null ? null : d.chosen().agentId());
        if (d.choice() != null) {
            why.put("decidedBy", d.choice().strategy()).put("reason", d.choice().reason());
        }
        return why;
    }

    /** After commit: tell the visitor and the agent, and give the agent what was said so far. */
    private Uni<Void> announce(Assignment a) {
        timers.assigned(a.tenantId(), a.conversationId()).subscribe().with(x -> { }, e -> { });
        String assigned = frames.assigned(a.conversationId(), a.agentId(), a.agentName());
        return publisher.toVisitor(a.tenantId(), a.visitorId(), assigned)
                .flatMap(v -> publisher.toStaff(a.tenantId(), a.agentId(), assigned))
                .flatMap(v -> store.messagesAfter(a.tenantId(), a.conversationId(), 0, 1000, true))
                .flatMap(history -> {
                    List<Uni<Void>> sends = new ArrayList<>(history.size());
                    for (var m : history) {
                        sends.add(publisher.toStaff(a.tenantId(), a.agentId(), frames.message(m)));
                    }
                    return sends.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sends).andCollectFailures().replaceWithVoid();
                })
                .flatMap(v -> liveState.current(a.tenantId(), a.agentId()))
                .flatMap(s -> publisher.toStaff(a.tenantId(), a.agentId(),
                        frames.status(s.status().wire(), s.load(), s.maxConcurrent())));
    }

    /** Tells the group's waiting visitors where they stand, soon and without repeating itself ({@link QueuePositions}). */
    public void publishPositions(String tenantId, String groupId) {
        positions.request(tenantId, groupId);
    }

    /**
     * Capacity freed or appeared for an agent: dispatch every queue they may serve, their
     * groups' and those a routing rule pools with them.
     */
    public Uni<Void> dispatchForAgent(String tenantId, String agentId) {
        return agents.servedQueues(tenantId, agentId).flatMap(groups -> {
            if (groups.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Uni<Void>> runs = new ArrayList<>();
            for (String g : groups) {
                runs.add(dispatch(tenantId, g));
            }
            return Uni.join().all(runs).andCollectFailures().replaceWithVoid();
        }).onFailure().recoverWithNull();
    }
}
