package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.common.Problem;
import io.switchboard.event.DomainEvent;
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
 * <p>Across replicas: each batch locks the heads of the queue with {@code FOR UPDATE},
 * decides their agents in memory, reserves them all with one Redis script, then records
 * them with one PostgreSQL round trip that re-checks every agent's limit
 * ({@link AssignmentLedger}); a failed transaction gives the reservations back (DESIGN rule 1).
 * Batches of one group on different replicas therefore take turns on the head instead of
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
    /** Deadlocks or serialization failures in a row that a loop retries at once; the queue sweep catches up after that. */
    private static final int MAX_CONFLICT_RETRIES = 3;
    /**
     * Heads locked and served per transaction. Larger batches save more round trips but hold
     * the heads (and a queued visitor's next message, which updates the row) for longer.
     */
    private static final int BATCH = 32;

    /**
     * A committed assignment, what is announced after commit, with the agent's live figures
     * right after it (their {@code status} frame).
     */
    record Assignment(String tenantId, String conversationId, String visitorId, String agentId, String agentName,
                      String status, int load, int maxConcurrent) {}

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
        /** Lock conflicts in a row, retried at once up to {@link #MAX_CONFLICT_RETRIES}. */
        int conflicts;
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
                .invoke(assigned -> loop.conflicts = 0)
                .onFailure().recoverWithItem(e -> {
                    if (ConversationStore.isTransientConflict(e) && loop.conflicts < MAX_CONFLICT_RETRIES) {
                        // PostgreSQL broke a lock cycle with another replica's batch (the order
                        // both lock in makes this rare): nothing was kept, so simply go again.
                        loop.conflicts++;
                        synchronized (loop) {
                            loop.again = true;
                        }
                        LOG.debugf(e, "dispatch of group %s hit a lock conflict; again", groupId);
                    } else {
                        loop.conflicts = 0;
                        LOG.warnf(e, "dispatch of group %s failed", groupId);
                    }
                    return 0;
                })
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
            announce(batch.assignments()).subscribe().with(x -> { }, e -> LOG.debugf(e, "announcing a batch failed"));
            int total = assignedSoFar + batch.assignments().size();
            return batch.more() ? drain(tenantId, groupId, total) : Uni.createFrom().item(total);
        });
    }

    /**
     * One transaction: locks up to {@link #BATCH} heads of the queue in serving order, decides
     * an agent for each in memory, reserves them all in Redis with one script and records them
     * with one PostgreSQL round trip. Stops at the first head nobody can take, so nobody
     * behind it is served first. A reservation or record refused part-way (another replica
     * took the capacity, or Redis drifted) keeps the heads before it and decides again from
     * that head with fresh figures.
     */
    private Uni<Batch> assignBatch(String tenantId, String groupId) {
        // Agents reserved in Redis by this transaction and not given back: released if it fails.
        List<String> claimed = new ArrayList<>();
        return store.pool().withTransaction(conn -> lockHeads(conn, tenantId, groupId)
                        .flatMap(heads -> serve(conn, tenantId, new Heads(heads), 0, new Round(), claimed)))
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

    /** A batch's locked heads and, per head, the agents it may no longer be offered and the tries spent on it. */
    private static final class Heads {
        final List<Locked> locked;
        final List<Set<String>> excluded;
        final int[] attempts;

        Heads(List<Locked> locked) {
            this.locked = locked;
            this.excluded = new ArrayList<>(locked.size());
            for (Locked l : locked) {
                Set<String> e = new HashSet<>();
                // An agent who stayed silent on this conversation is not offered it again (B6).
                if (l.excluded() != null) {
                    e.add(l.excluded());
                }
                excluded.add(e);
            }
            this.attempts = new int[locked.size()];
        }
    }

    /** A head decided in memory, not yet reserved or recorded. */
    private record Pick(int index, Locked locked, DispatchStrategies.How how, RoutingDecision decision) {
        String agentId() {
            return decision.chosen().agentId();
        }
    }

    /** Serves the heads from {@code from} on: decide, reserve, record; again from a refused head. */
    private Uni<Batch> serve(SqlConnection conn, String tenantId, Heads heads, int from, Round round, List<String> claimed) {
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
                return AssignmentLedger.record(conn, tenantId, entries).flatMap(recorded -> {
                    for (int i = 0; i < recorded; i++) {
                        Pick p = held.get(i);
                        round.done.add(assignment(tenantId, p, claims.loads().get(i), round.live.get(p.agentId()).maxConcurrent()));
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
    private Uni<List<Pick>> decide(SqlConnection conn, String tenantId, Heads heads, int index, Round round, List<Pick> picks) {
        if (index >= heads.locked.size() || heads.attempts[index] >= MAX_CLAIM_ATTEMPTS) {
            return Uni.createFrom().item(picks);
        }
        Locked locked = heads.locked.get(index);
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

    private static Assignment assignment(String tenantId, Pick p, int load, int maxConcurrent) {
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
        return new Assignment(tenantId, head.conversationId(), head.visitorId(), agentId, name, "online", load, maxConcurrent);
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
     * (The state test is written so that it cannot use the queue's index: a generic plan would
     * otherwise AND the whole queue's index with the primary key lookups.)
     */
    private Uni<List<Locked>> lockHeads(SqlConnection conn, String tenantId, String groupId) {
        return store.heads(conn, tenantId, groupId, BATCH).flatMap(waiting -> {
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
                            where id = any($1) and (state = 'queued' and hold is null) is true order by id for update""")
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
                            return store.log().append(conn, DomainEvent.Assigned.byHand(tenantId, conversationId, actorId, agentId,
                                    how, claimed)).replaceWithVoid();
                        })
                        .flatMap(v -> conn.preparedQuery("select " + ConversationRow.COLUMNS + " where c.id = $1")
                                .execute(Tuple.of(UUID.fromString(conversationId))))
                        .map(rows -> ConversationStore.firstConversation(rows).orElseThrow()))
                .onFailure().call(e -> liveState.release(tenantId, agentId)))
                .call(row -> liveState.current(tenantId, agentId)
                        .flatMap(st -> announce(List.of(new Assignment(tenantId, row.id(), row.visitorId(), agentId,
                                row.assigneeName(), st.status().wire(), st.load(), st.maxConcurrent()))))
                        .onFailure().recoverWithNull())
                .invoke(row -> publishPositions(tenantId, row.groupId()));
    }

    /**
     * Auto-reassign (B6), fired by a deadline that may be stale: takes the conversation from an
     * agent who has not replied for {@code silence} and sends it back to its queue, where the
     * dispatcher offers it to anyone but them. Decides and acts in one transaction under the
     * conversation's row lock ({@link Silence#reassignDueAt} on the row as it is), so a reply
     * that raced the timer wins, and the system line, the {@code reassigned} event and the
     * change commit together; everything is published after the commit.
     *
     * @return when to look again; empty when no reply is owed any more (taken away by this
     *         call, answered, or closed)
     */
    public Uni<Optional<java.time.Instant>> reassignSilent(String tenantId, String conversationId, Duration silence, int minutes) {
        String text = "No reply from the agent for " + minutes + " minute" + (minutes == 1 ? "" : "s")
                + ": looking for another agent.";
        record Done(Silence.Verdict verdict, String[] taken) {}
        return store.pool().withTransaction(conn -> TimerDeadlines.lockFacts(conn, tenantId, conversationId).flatMap(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Done(new Silence.Verdict(false, null), null));
                    }
                    TimerDeadlines.Read read = found.get();
                    Silence.Verdict verdict = Silence.judge(Silence.reassignDueAt(read.facts(), silence), read.now());
                    if (!verdict.fire()) {
                        return Uni.createFrom().item(new Done(verdict, null));
                    }
                    return conn.preparedQuery("""
                                    update conversations c set state = 'queued', assignee_id = null, assigned_at = null,
                                           reassign_excluded = prev.assignee_id, queued_at = coalesce(c.queued_at, c.created_at)
                                    from conversations prev
                                    where c.id = $1 and c.tenant_id = $2 and c.state = 'open' and prev.id = c.id
                                    returning c.visitor_id, c.group_id, prev.assignee_id as silent""")
                            .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId)))
                            .flatMap(rows -> {
                                // Locked and judged open just now: the update cannot miss.
                                Row r = ConversationStore.first(rows).orElseThrow(
                                        () -> new IllegalStateException("auto-reassign found conversation " + conversationId + " changed"));
                                String silent = r.getUUID("silent").toString();
                                String[] out = {r.getUUID("visitor_id").toString(), ConversationRow.str(r.getUUID("group_id")), silent, null};
                                return store.appendSystem(conn, tenantId, conversationId, text)
                                        .flatMap(seq -> {
                                            out[3] = Long.toString(seq);
                                            return store.log().append(conn, new DomainEvent.Reassigned(tenantId, conversationId, silent, minutes));
                                        })
                                        .replaceWith(new Done(verdict, out));
                            });
                }))
                .flatMap(done -> {
                    if (!done.verdict().fire()) {
                        return Uni.createFrom().item(Optional.ofNullable(done.verdict().dueAt()));
                    }
                    String visitorId = done.taken()[0];
                    String groupId = done.taken()[1];
                    String silent = done.taken()[2];
                    String message = frames.message(new ServerFrames.MessageView(conversationId, Long.parseLong(done.taken()[3]),
                            "system", null, null, text, false, java.time.Instant.now()));
                    return publisher.toVisitor(tenantId, visitorId, message)
                            .flatMap(v -> publisher.toStaff(tenantId, silent, message))
                            .flatMap(v -> publisher.toStaff(tenantId, silent, frames.notice(conversationId, "reassigned", text)))
                            .flatMap(v -> liveState.release(tenantId, silent))
                            .flatMap(v -> liveState.current(tenantId, silent))
                            .flatMap(st -> publisher.toStaff(tenantId, silent, frames.status(st.status().wire(), st.load(), st.maxConcurrent())))
                            .onFailure().recoverWithNull()
                            .invoke(() -> dispatch(tenantId, groupId).subscribe().with(x -> { }, e -> { }))
                            .replaceWith(Optional.<java.time.Instant>empty());
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

    /**
     * After commit: tell each visitor and agent, and give the agent what was said so far and
     * their new figures. One query reads the openings of every conversation of the batch and
     * one pipelined publish sends all the frames, so a batch costs two round trips, not a few
     * per conversation; each recipient still gets its frames in order.
     */
    private Uni<Void> announce(List<Assignment> done) {
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
                .flatMap(history -> {
                    List<Publisher.Delivery> frames = new ArrayList<>(done.size() * 4);
                    for (Assignment a : done) {
                        String assigned = this.frames.assigned(a.conversationId(), a.agentId(), a.agentName());
                        frames.add(publisher.visitor(a.tenantId(), a.visitorId(), assigned));
                        frames.add(publisher.staff(a.tenantId(), a.agentId(), assigned));
                        for (var m : history.getOrDefault(a.conversationId(), List.of())) {
                            frames.add(publisher.staff(a.tenantId(), a.agentId(), this.frames.message(m)));
                        }
                        frames.add(publisher.staff(a.tenantId(), a.agentId(),
                                this.frames.status(a.status(), a.load(), a.maxConcurrent())));
                    }
                    return publisher.together(frames);
                });
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
