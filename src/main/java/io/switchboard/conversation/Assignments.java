package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.common.Problem;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Committed;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.RoutingDecision;
import io.switchboard.routing.RoutingSetup;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.routing.setup.RoutingSetups;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every claim of a conversation for an agent, in one place (DESIGN rule 1): automatic
 * (a dispatch round's batch), pick-up and assignment by hand, and the claim a transfer makes.
 * Each reserves capacity in Redis first and records in PostgreSQL with a conditional update
 * that only a conversation still in the expected state passes; a reservation nobody recorded
 * is given back. After commit the claims are announced through the fan-out.
 *
 * <p>Automatic claims, across replicas: each batch locks the heads of the queue
 * ({@link QueueHeads}), decides their agents in memory, reserves them all with one Redis
 * script, then records them with one PostgreSQL round trip that re-checks every agent's limit
 * ({@link AssignmentLedger}); a failed transaction gives the reservations back.
 */
@ApplicationScoped
public class Assignments {

    private static final Logger LOG = Logger.getLogger(Assignments.class);
    /** Claims lost to other replicas before this round gives up and leaves the head queued. */
    private static final int MAX_CLAIM_ATTEMPTS = 5;

    /**
     * A committed assignment, what is announced after commit, with the agent's live figures
     * right after it (their {@code status} frame).
     */
    record Assignment(long eventId, DomainEvent.Assigned event, String visitorId, String agentName, String status, int load,
                      int maxConcurrent, boolean transferred) {

        Assignment(long eventId, DomainEvent.Assigned event, String visitorId, String agentName, String status, int load,
                   int maxConcurrent) {
            this(eventId, event, visitorId, agentName, status, load, maxConcurrent, false);
        }

        String tenantId() {
            return event.tenantId();
        }

        String conversationId() {
            return event.conversationId();
        }

        String agentId() {
            return event.agentId();
        }
    }

    /** What one transaction assigned; {@code more} when every head it locked was served, so more may wait. */
    record Batch(List<Assignment> assignments, boolean more) {}

    /**
     * What the heads of one batch share: their plans (rule, pool, figures) when they do not
     * depend on the visitor, and the agents' live figures, updated by this batch's own claims.
     */
    private static final class Round {
        /** The tenant's rules and group hours, fetched before the transaction opened. */
        final RoutingSetup setup;
        final Map<String, DispatchStrategies.How> plans = new HashMap<>();
        final Map<String, LiveAgents.LiveState> live = new HashMap<>();
        final List<Assignment> done = new ArrayList<>();

        Round(RoutingSetup setup) {
            this.setup = setup;
        }
    }

    private final ConversationStore store;
    private final QueueHeads queueHeads;
    private final LiveAgents live;
    private final LiveAgentState liveState;
    private final FanOut fanOut;
    private final TimerDeadlines timers;
    private final DispatchStrategies strategies;
    private final QueuePositions positions;
    private final RoutingSetups setups;

    Assignments(ConversationStore store, QueueHeads queueHeads, LiveAgents live, LiveAgentState liveState, FanOut fanOut,
                TimerDeadlines timers, DispatchStrategies strategies, QueuePositions positions, RoutingSetups setups) {
        this.setups = setups;
        this.store = store;
        this.queueHeads = queueHeads;
        this.live = live;
        this.liveState = liveState;
        this.fanOut = fanOut;
        this.timers = timers;
        this.strategies = strategies;
        this.positions = positions;
    }

    /**
     * One transaction: locks up to {@link QueueHeads#BATCH} heads of the queue in serving order, decides
     * an agent for each in memory, reserves them all in Redis with one script and records them
     * with one PostgreSQL round trip. Stops at the first head nobody can take, so nobody
     * behind it is served first. A reservation or record refused part-way (another replica
     * took the capacity, or Redis drifted) keeps the heads before it and decides again from
     * that head with fresh figures.
     */
    Uni<Batch> assignBatch(String tenantId, String groupId) {
        // Agents reserved in Redis by this transaction and not given back: released if it fails.
        List<String> claimed = new ArrayList<>();
        // The setup before the transaction: read while holding its connection, a miss would wait
        // for a second one, and dispatches filling the pool would wait for each other.
        return setups.of(tenantId).flatMap(setup -> store.pool().withTransaction(conn -> queueHeads.lock(conn, tenantId, groupId)
                        .flatMap(heads -> serve(conn, tenantId, new QueueHeads.Heads(heads), 0, new Round(setup), claimed))))
                .onFailure().call(e -> release(tenantId, claimed));
    }

    private Uni<Void> release(String tenantId, List<String> agentIds) {
        if (agentIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> releases = new ArrayList<>(agentIds.size());
        for (String agentId : agentIds) {
            releases.add(liveState.release(tenantId, agentId));
        }
        return Uni.join().all(releases).andCollectFailures().replaceWithVoid();
    }

    /** A head decided in memory, not yet reserved or recorded. */
    private record Pick(int index, QueueHeads.Locked locked, DispatchStrategies.How how, RoutingDecision decision) {
        String agentId() {
            return decision.chosen().agentId();
        }
    }

    /** Serves the heads from {@code from} on: decide, reserve, record; again from a refused head. */
    private Uni<Batch> serve(SqlConnection conn, String tenantId, QueueHeads.Heads heads, int from, Round round, List<String> claimed) {
        if (from >= heads.locked.size()) {
            return Uni.createFrom().item(new Batch(round.done, !heads.locked.isEmpty()));
        }
        return decide(conn, tenantId, heads, from, round, new ArrayList<>()).flatMap(picks -> {
            if (picks.isEmpty()) {
                return Uni.createFrom().item(new Batch(round.done, false));
            }
            boolean blocked = from + picks.size() < heads.locked.size();
            List<String> agentIds = picks.stream().map(Pick::agentId).toList();
            return live.claimInOrder(tenantId, agentIds, System.currentTimeMillis()).flatMap(claims -> {
                List<Pick> held = picks.subList(0, claims.loads().size());
                held.forEach(p -> claimed.add(p.agentId()));
                List<AssignmentLedger.Entry> entries = new ArrayList<>(held.size());
                for (Pick p : held) {
                    entries.add(new AssignmentLedger.Entry(DomainEvent.Assigned.auto(tenantId,
                            p.locked().head().conversationId(), p.agentId(), why(p.how().ruleId(), p.decision()))));
                }
                return AssignmentLedger.record(conn, tenantId, entries).flatMap(ledger -> {
                    int recorded = ledger.count();
                    for (int i = 0; i < recorded; i++) {
                        Pick p = held.get(i);
                        DomainEvent.Assigned event = entries.get(i).event();
                        round.done.add(assignment(ledger.eventIds().getOrDefault(event.conversationId(), 0L), event, p,
                                claims.loads().get(i), round.live.get(p.agentId()).maxConcurrent()));
                    }
                    Uni<Void> cursors = moveCursors(tenantId, held.subList(0, recorded));
                    if (recorded == picks.size()) {
                        return cursors.replaceWith(new Batch(round.done, !blocked));
                    }
                    // Refused part-way: give back the reservations nobody recorded, keep the agent
                    // from that head, and decide again from it with fresh figures and plans (the
                    // cached ones counted picks that did not happen).
                    Pick refused = picks.get(recorded);
                    heads.attempts[refused.index()]++;
                    List<String> unrecorded = new ArrayList<>();
                    for (Pick p : held.subList(recorded, held.size())) {
                        unrecorded.add(p.agentId());
                        claimed.remove(p.agentId());
                    }
                    Uni<Void> repair;
                    if (recorded < held.size() || claims.stoppedBy() == LiveAgents.ClaimOutcome.REFUSED) {
                        heads.excluded.get(refused.index()).add(refused.agentId());
                        repair = release(tenantId, unrecorded);
                    } else {
                        // Redis has no figures for the agent: rebuilt from PostgreSQL, then tried again.
                        repair = liveState.seed(conn, tenantId, refused.agentId());
                    }
                    round.live.clear();
                    round.plans.clear();
                    return cursors.flatMap(v -> repair)
                            .flatMap(v -> serve(conn, tenantId, heads, refused.index(), round, claimed));
                });
            });
        });
    }

    /**
     * Decides heads from {@code index} on, in serving order, against the batch's live figures
     * as this batch's own earlier picks leave them; stops at the first head nobody can take.
     */
    private Uni<List<Pick>> decide(SqlConnection conn, String tenantId, QueueHeads.Heads heads, int index, Round round, List<Pick> picks) {
        if (index >= heads.locked.size() || heads.attempts[index] >= MAX_CLAIM_ATTEMPTS) {
            return Uni.createFrom().item(picks);
        }
        QueueHeads.Locked locked = heads.locked.get(index);
        return plan(conn, tenantId, locked.head(), round).flatMap(how -> candidates(conn, tenantId, how.members(), round, 0)
                .flatMap(candidates -> {
                    RoutingDecision decision = how.router().decide(how.enrich(candidates),
                            how.context().excluding(heads.excluded.get(index)));
                    if (!decision.assigned()) {
                        return Uni.createFrom().item(picks);
                    }
                    String agentId = decision.chosen().agentId();
                    LiveAgents.LiveState before = round.live.get(agentId);
                    round.live.put(agentId, new LiveAgents.LiveState(true, before.status(), before.load() + 1,
                            before.maxConcurrent(), System.currentTimeMillis()));
                    if (!how.perVisitor()) {
                        round.plans.put(planKey(locked.head()), how.afterPick(agentId));
                    }
                    picks.add(new Pick(index, locked, how, decision));
                    return decide(conn, tenantId, heads, index + 1, round, picks);
                }));
    }

    /**
     * The members with live figures: the batch's when it has them all, else one Redis round
     * trip. Agents Redis does not know are seeded from PostgreSQL first; one still unknown
     * after that is left out.
     */
    private Uni<List<Candidate>> candidates(SqlConnection conn, String tenantId, List<AgentStore.AgentRow> members,
                                            Round round, int seeded) {
        List<String> ids = new ArrayList<>(members.size());
        for (AgentStore.AgentRow m : members) {
            ids.add(m.id());
        }
        Uni<Void> known = round.live.keySet().containsAll(ids) ? Uni.createFrom().voidItem()
                : live.snapshot(tenantId, ids).invoke(states -> {
                    for (int i = 0; i < ids.size(); i++) {
                        round.live.put(ids.get(i), states.get(i));
                    }
                }).replaceWithVoid();
        return known.flatMap(v -> {
            List<Candidate> out = new ArrayList<>(ids.size());
            List<Uni<Void>> seeds = new ArrayList<>();
            for (String id : ids) {
                LiveAgents.LiveState s = round.live.get(id);
                if (s.present()) {
                    out.add(LiveAgents.candidate(id, s));
                } else if (seeded < 2) {
                    seeds.add(liveState.seed(conn, tenantId, id));
                    round.live.remove(id);
                }
            }
            if (seeds.isEmpty()) {
                return Uni.createFrom().item(out);
            }
            return Uni.join().all(seeds).andFailFast().flatMap(x -> candidates(conn, tenantId, members, round, seeded + 1));
        });
    }

    private static Assignment assignment(long eventId, DomainEvent.Assigned event, Pick p, int load, int maxConcurrent) {
        String agentId = p.agentId();
        String name = null;
        for (AgentStore.AgentRow m : p.how().members()) {
            if (m.id().equals(agentId)) {
                name = m.name();
                break;
            }
        }
        DispatchStrategies.Head head = p.locked().head();
        // The claim succeeded, so the agent was online.
        return new Assignment(eventId, event, head.visitorId(), name, "online", load, maxConcurrent, p.locked().transferred());
    }

    /** Round-robin positions move on to the last agent each rotation gave a conversation to. */
    private Uni<Void> moveCursors(String tenantId, List<Pick> recorded) {
        Map<String, Pick> last = new HashMap<>();
        for (Pick p : recorded) {
            if (p.how().cursorKey() != null) {
                last.put(p.how().cursorKey(), p);
            }
        }
        if (last.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> moves = new ArrayList<>(last.size());
        for (Pick p : last.values()) {
            moves.add(strategies.picked(tenantId, p.how(), p.agentId()));
        }
        return Uni.join().all(moves).andCollectFailures().replaceWithVoid();
    }

    /** The head's plan, shared with the batch's other heads of the same rule, group and channel when it can be. */
    private Uni<DispatchStrategies.How> plan(SqlConnection conn, String tenantId, DispatchStrategies.Head head, Round round) {
        DispatchStrategies.How cached = round.plans.get(planKey(head));
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return strategies.plan(conn, tenantId, head, round.setup).invoke(how -> {
            if (!how.perVisitor()) {
                round.plans.put(planKey(head), how);
            }
        });
    }

    private static String planKey(DispatchStrategies.Head head) {
        return head.ruleId() + "|" + head.groupId() + "|" + head.channelId();
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
        long[] recorded = {0};
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
                            return store.log().append(conn, DomainEvent.Assigned.byHand(tenantId, conversationId, actorId, agentId,
                                    how, claimed)).invoke(id -> recorded[0] = id).replaceWithVoid();
                        })
                        .flatMap(v -> conn.preparedQuery("select " + ConversationRow.COLUMNS + " where c.id = $1")
                                .execute(Tuple.of(UUID.fromString(conversationId))))
                        .map(rows -> ConversationStore.firstConversation(rows).orElseThrow()))
                .onFailure().call(e -> liveState.release(tenantId, agentId)))
                .call(row -> liveState.current(tenantId, agentId)
                        .flatMap(st -> announce(List.of(new Assignment(recorded[0], DomainEvent.Assigned.byHand(tenantId, row.id(), actorId,
                                agentId, how, -1), row.visitorId(), row.assigneeName(), st.status().wire(), st.load(),
                                st.maxConcurrent()))))
                        .onFailure().recoverWithNull())
                .invoke(row -> positions.request(tenantId, row.groupId()));
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

    /**
     * After commit: the fan-out tells each visitor and agent, and gives the agent what was said
     * so far and their new figures. One query reads the openings of every conversation of the
     * batch and one pipelined publish sends all the frames, so a batch costs two round trips,
     * not a few per conversation; each recipient still gets its frames in order.
     */
    Uni<Void> announce(List<Assignment> done) {
        if (done.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String tenantId = done.get(0).tenantId();
        List<String> ids = new ArrayList<>(done.size());
        for (Assignment a : done) {
            timers.assigned(a.tenantId(), a.conversationId()).subscribe().with(x -> { }, e -> { });
            ids.add(a.conversationId());
        }
        return store.openings(tenantId, ids, 1000)
                .onFailure().recoverWithItem(e -> {
                    // The agent still learns of the conversation; their console reads the history on resume.
                    LOG.debugf(e, "history for %d assignments unreadable", done.size());
                    return Map.of();
                })
                .flatMap(history -> transfers(tenantId, done).flatMap(transfers -> {
                    List<Committed> events = new ArrayList<>(done.size());
                    for (Assignment a : done) {
                        events.add(Committed.of(a.eventId(), a.event(), Facts.visitor(a.visitorId()).withAgent(a.agentId(), a.agentName())
                                .withFigures(new Facts.Figures(a.status(), a.load(), a.maxConcurrent()))
                                .withHistory(history.get(a.conversationId()))
                                .withTransfer(transfers.get(a.conversationId()))));
                    }
                    return fanOut.publish(events);
                }));
    }

    /**
     * For the assignments of conversations that waited at the head of a queue because they were
     * transferred to its group: the transfer that put them there (its previous assignee and
     * note, from the log), so the new agent's {@code assigned} carries it as a transfer to an
     * agent does. Read only when the batch has such a conversation; a failed read leaves the
     * transfer out (the note is in the transcript).
     */
    private Uni<Map<String, Facts.Transfer>> transfers(String tenantId, List<Assignment> done) {
        List<UUID> ids = new ArrayList<>();
        for (Assignment a : done) {
            if (a.transferred()) {
                ids.add(UUID.fromString(a.conversationId()));
            }
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return store.pool().preparedQuery("""
                        select distinct on (e.conversation_id) e.conversation_id, e.data->>'from' as from_id, u.name as from_name,
                               e.data->>'note' as note
                        from conversation_events e left join staff_users u on u.id::text = e.data->>'from'
                        where e.conversation_id = any($1) and e.tenant_id = $2 and e.kind = 'transferred'
                        order by e.conversation_id, e.id desc""")
                .execute(Tuple.of(ids.toArray(UUID[]::new), UUID.fromString(tenantId)))
                .map(rows -> {
                    Map<String, Facts.Transfer> out = new HashMap<>();
                    for (Row r : rows) {
                        out.put(r.getUUID("conversation_id").toString(),
                                new Facts.Transfer(r.getString("from_id"), r.getString("from_name"), r.getString("note")));
                    }
                    return out;
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf(e, "transfers for %d assignments unreadable", ids.size());
                    return Map.of();
                });
    }

    /**
     * After an agent's hold on a conversation ended and committed (a close): gives their unit
     * of capacity back in Redis and answers their figures for the fan-out; null when Redis
     * could not answer (the reconciler corrects the drift from PostgreSQL).
     */
    public Uni<Facts.Figures> giveBack(String tenantId, String agentId) {
        return liveState.release(tenantId, agentId)
                .flatMap(v -> liveState.current(tenantId, agentId))
                .map(st -> new Facts.Figures(st.status().wire(), st.load(), st.maxConcurrent()))
                .onFailure().recoverWithNull();
    }

    /**
     * The claim a transfer to an agent makes (C6), the same two steps as every claim: reserves
     * one unit of {@code toAgentId}'s capacity in Redis, beyond their limit (a hand-over chosen
     * by a person is refused only for an agent who is offline: 409), then runs {@code change} in
     * a transaction, which must move the conversation with a conditional update (only from
     * {@code fromAgentId}) and append its event. If the change fails the reservation is given
     * back; once it committed, {@code fromAgentId}'s unit is given back and the dispatcher hears
     * that capacity freed. The caller publishes its own event's frames.
     *
     * @param fromAgentId the assignee the conversation leaves, or null when it was waiting
     * @return what {@code change} answered
     */
    public <T> Uni<T> claimBeyondLimit(String tenantId, String toAgentId, String fromAgentId,
                                       java.util.function.Function<SqlConnection, Uni<T>> change) {
        return forceClaim(tenantId, toAgentId, false)
                .flatMap(load -> store.pool().withTransaction(change)
                        .onFailure().call(e -> liveState.release(tenantId, toAgentId)))
                .call(done -> fromAgentId == null ? Uni.createFrom().voidItem()
                        : liveState.release(tenantId, fromAgentId)
                                .flatMap(v -> fanOut.publish(Committed.of(new DomainEvent.CapacityFreed(tenantId, fromAgentId))))
                                .onFailure().recoverWithNull());
    }
}
