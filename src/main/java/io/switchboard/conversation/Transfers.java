package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Committed;
import io.switchboard.event.EventLog;
import io.switchboard.event.FanOut;
import io.switchboard.event.Facts;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.TransferTargets;
import io.switchboard.routing.WorkingHours;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.search.SearchTokens;
import io.switchboard.security.Caller;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Transfers (C6): the assignee, a supervisor or an admin hands a conversation to another agent
 * or to a group, with a note for staff.
 *
 * <p>To an agent, the same two steps as every claim (DESIGN rule 1): one unit of the agent's
 * capacity is reserved in Redis beyond their limit (A2: a transfer is not bound by it, but it
 * is load; an offline agent refuses it), then PostgreSQL moves the assignee with a conditional
 * update on the assignee the caller saw. Two transfers of one conversation at once therefore
 * end with one assignee: the second update re-reads the row after the first commits, matches
 * nothing and answers 409, and its reservation is given back. The previous assignee's unit is
 * released only after the commit, by the one transfer that took it from them.
 *
 * <p>To a group, the conversation goes back to the queue at the head of the group's queue
 * ({@code queue_front}, see {@link ConversationStore#order}) and the dispatcher serves it by
 * live load, never to the agent who handed it over.
 *
 * <p>Either way a system line stays in the transcript for the visitor and staff, the note is
 * kept as an internal line for staff only, and a {@code transferred} event explains it, all in
 * the transaction of the change; frames go out after commit.
 */
@ApplicationScoped
public class Transfers {

    private static final Logger LOG = Logger.getLogger(Transfers.class);
    static final int MAX_NOTE_CHARS = 1000;
    /** The marker of a transfer's system lines (the visible line, the internal note): clients match on it, not on the words. */
    static final String LINE_EVENT = "transferred";
    static final String NOTE_EVENT = "transfer_note";

    /** The body of POST /conversations/{id}/transfer: exactly one of agentId and groupId. */
    public record Request(String agentId, String groupId, String note) {}

    public record AgentTarget(String id, String name, String status, int load, int maxConcurrent, double saturation) {}

    /** @param open within its working hours now; online: its members online now; waiting: its queue's length */
    public record GroupTarget(String id, String name, boolean open, int online, int waiting) {}

    public record Targets(List<AgentTarget> agents, List<GroupTarget> groups) {}

    private final Pool pool;
    private final ConversationAccess access;
    private final ConversationStore store;
    private final LiveAgents live;
    private final LiveAgentState liveState;
    private final QueueDispatcher dispatcher;
    private final RuleRouting ruleRouting;
    private final TimerDeadlines timers;
    private final EventLog events;
    private final Assignments assignments;
    private final FanOut fanOut;

    Transfers(Pool pool, ConversationAccess access, ConversationStore store, LiveAgents live, LiveAgentState liveState,
              QueueDispatcher dispatcher, RuleRouting ruleRouting, TimerDeadlines timers, EventLog events,
              Assignments assignments, FanOut fanOut) {
        this.assignments = assignments;
        this.fanOut = fanOut;
        this.pool = pool;
        this.access = access;
        this.store = store;
        this.live = live;
        this.liveState = liveState;
        this.dispatcher = dispatcher;
        this.ruleRouting = ruleRouting;
        this.timers = timers;
        this.events = events;
    }

    // ---------------------------------------------------------------- targets

    /** Agents who may receive the conversation, least saturated first, and the tenant's groups. */
    public Uni<Targets> targets(Caller caller, String conversationId) {
        return access.actable(caller, conversationId).flatMap(c -> pool.preparedQuery("""
                                select a.user_id, u.name,
                                  (not exists (select 1 from agent_channels ac where ac.agent_id = a.user_id)
                                   or exists (select 1 from agent_channels ac where ac.agent_id = a.user_id and ac.channel_id = $2)) as serves,
                                  array(select gm.group_id::text from group_members gm where gm.agent_id = a.user_id) as groups
                                from agents a join staff_users u on u.id = a.user_id
                                where a.tenant_id = $1 and a.removed_at is null""")
                        .execute(Tuple.of(UUID.fromString(c.tenantId()), UUID.fromString(c.channelId())))
                        .flatMap(rows -> {
                            List<Row> agents = new ArrayList<>();
                            rows.forEach(agents::add);
                            List<String> ids = agents.stream().map(r -> r.getUUID("user_id").toString()).toList();
                            return liveFigures(c.tenantId(), ids).flatMap(figures -> groups(c.tenantId(), agents, figures)
                                    .map(groups -> {
                                        List<TransferTargets.Agent> candidates = new ArrayList<>();
                                        for (int i = 0; i < agents.size(); i++) {
                                            if (agents.get(i).getBoolean("serves")) {
                                                LiveAgents.LiveState s = figures.get(i);
                                                candidates.add(new TransferTargets.Agent(ids.get(i), agents.get(i).getString("name"),
                                                        s.status(), s.load(), s.maxConcurrent()));
                                            }
                                        }
                                        List<AgentTarget> out = new ArrayList<>();
                                        for (TransferTargets.Agent a : TransferTargets.rank(candidates, c.assigneeId())) {
                                            out.add(new AgentTarget(a.id(), a.name(), a.status().wire(), a.load(), a.maxConcurrent(),
                                                    a.maxConcurrent() <= 0 ? 1.0 : a.saturation()));
                                        }
                                        return new Targets(out, groups);
                                    }));
                        }));
    }

    /** Live figures in the order asked; an agent Redis lost is rebuilt from PostgreSQL first. */
    private Uni<List<LiveAgents.LiveState>> liveFigures(String tenantId, List<String> ids) {
        return live.snapshot(tenantId, ids).flatMap(states -> {
            List<Uni<LiveAgents.LiveState>> all = new ArrayList<>(states.size());
            for (int i = 0; i < states.size(); i++) {
                LiveAgents.LiveState s = states.get(i);
                all.add(s.present() ? Uni.createFrom().item(s) : liveState.current(tenantId, ids.get(i)));
            }
            return all.isEmpty() ? Uni.createFrom().item(List.<LiveAgents.LiveState>of())
                    : Uni.join().all(all).andFailFast();
        });
    }

    private Uni<List<GroupTarget>> groups(String tenantId, List<Row> agents, List<LiveAgents.LiveState> figures) {
        Map<String, Integer> online = new HashMap<>();
        for (int i = 0; i < agents.size(); i++) {
            if (figures.get(i).status() == AgentStatus.ONLINE) {
                for (String g : agents.get(i).getArrayOfStrings("groups")) {
                    online.merge(g, 1, Integer::sum);
                }
            }
        }
        return ruleRouting.hours(tenantId).flatMap(hours -> pool.preparedQuery("""
                        select g.id, g.name, (select count(*) from conversations c
                                              where c.tenant_id = $1 and c.group_id = g.id and c.state = 'queued') as waiting
                        from agent_groups g where g.tenant_id = $1 order by g.name, g.id""")
                .execute(Tuple.of(UUID.fromString(tenantId)))
                .map(rows -> {
                    Instant now = Instant.now();
                    List<GroupTarget> out = new ArrayList<>();
                    for (Row r : rows) {
                        String id = r.getUUID("id").toString();
                        WorkingHours h = hours.get(id);
                        out.add(new GroupTarget(id, r.getString("name"), h == null || h.isOpen(now),
                                online.getOrDefault(id, 0), r.getLong("waiting").intValue()));
                    }
                    return out;
                }));
    }

    // ---------------------------------------------------------------- transfer

    /** Transfers the conversation; answers it as it is after the transfer. */
    public Uni<ConversationRow> transfer(Caller caller, String conversationId, Request body) {
        FieldErrors errors = new FieldErrors();
        if (body == null || (body.agentId() == null) == (body.groupId() == null)) {
            errors.add("agentId", "give exactly one of agentId and groupId");
        }
        if (body != null && body.note() != null && body.note().length() > MAX_NOTE_CHARS) {
            errors.add("note", "at most " + MAX_NOTE_CHARS + " characters");
        }
        errors.throwIfAny();
        String note = body.note() == null || body.note().isBlank() ? null : body.note().strip();
        String agentId = body.agentId() == null ? null : uuid(body.agentId(), "agent");
        String groupId = body.groupId() == null ? null : uuid(body.groupId(), "group");
        return access.actable(caller, conversationId).flatMap(c -> {
            if (c.isClosed()) {
                throw Problem.conflict("conversation is closed");
            }
            return agentId != null ? toAgent(caller, c, agentId, note) : toGroup(caller, c, groupId, note);
        }).flatMap(c -> store.find(caller.tenantId(), c.id())).map(found -> found.orElseThrow(() -> Problem.notFound("conversation")));
    }

    /** What a transfer's transaction wrote: its event's id, the transcript lines' numbers and who else is in the conversation. */
    private record Moved(long id, DomainEvent.Transferred event, long lineSeq, long noteSeq, List<String> experts) {}

    private Uni<ConversationRow> toAgent(Caller caller, ConversationRow c, String agentId, String note) {
        if (agentId.equals(c.assigneeId())) {
            throw Problem.conflict("the conversation is already assigned to this agent");
        }
        String tenantId = c.tenantId();
        // The claim is Assignments' (DESIGN rule 1 in one place): a unit reserved beyond the limit,
        // given back if this transaction fails (the loser of two transfers at once), and the
        // previous assignee's unit given back once it committed.
        return agentName(tenantId, agentId).flatMap(name -> assignments.claimBeyondLimit(tenantId, agentId, c.assigneeId(),
                        conn -> conn.preparedQuery("""
                                        update conversations set state = 'open', assignee_id = $3, assigned_at = now(), hold = null,
                                               offline_until = null, reassign_excluded = null
                                        where id = $1 and tenant_id = $2 and state <> 'closed' and assignee_id is not distinct from $4""")
                                .execute(Tuple.tuple(Arrays.asList(UUID.fromString(c.id()), UUID.fromString(tenantId),
                                        UUID.fromString(agentId), c.assigneeId() == null ? null : UUID.fromString(c.assigneeId()))))
                                .flatMap(rows -> {
                                    if (rows.rowCount() != 1) {
                                        throw Problem.conflict("the conversation changed meanwhile (transferred, reassigned or closed)");
                                    }
                                    // The agent row is shared-locked as by every assignment: a removal waits for this commit
                                    // (and then releases the conversation) or happened before (and nothing is assigned).
                                    return conn.preparedQuery("select 1 from agents where user_id = $1 and tenant_id = $2 and removed_at is null for share")
                                            .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId)));
                                })
                                .flatMap(present -> {
                                    if (present.size() != 1) {
                                        throw Problem.notFound("agent");
                                    }
                                    // An expert who receives the conversation is its assignee now, not a guest in it.
                                    return conn.preparedQuery("delete from conversation_participants where conversation_id = $1 and user_id = $2")
                                            .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(agentId)));
                                })
                                .flatMap(x -> record(conn, caller, c, line(name, caller), note,
                                        new DomainEvent.Target("agent", agentId, name))))
                .call(moved -> afterToAgent(caller, c, agentId, name, note, line(name, caller), moved)
                        .onFailure().invoke(e -> LOG.warnf(e, "announcing the transfer of %s failed", c.id()))
                        .onFailure().recoverWithNull())
                .replaceWith(c));
    }

    private Uni<ConversationRow> toGroup(Caller caller, ConversationRow c, String groupId, String note) {
        String tenantId = c.tenantId();
        return groupName(tenantId, groupId).flatMap(name -> {
            String line = line(name, caller);
            return pool.withTransaction(conn -> conn.preparedQuery("""
                                    update conversations set state = 'queued', assignee_id = null, assigned_at = null, group_id = $3,
                                           queued_at = now(), queue_front = clock_timestamp(), hold = null, offline_until = null,
                                           routing_rule_id = null, reassign_excluded = $4
                                    where id = $1 and tenant_id = $2 and state <> 'closed' and assignee_id is not distinct from $4""")
                            .execute(Tuple.tuple(Arrays.asList(UUID.fromString(c.id()), UUID.fromString(tenantId),
                                    UUID.fromString(groupId), c.assigneeId() == null ? null : UUID.fromString(c.assigneeId()))))
                            .flatMap(rows -> {
                                if (rows.rowCount() != 1) {
                                    throw Problem.conflict("the conversation changed meanwhile (transferred, reassigned or closed)");
                                }
                                return record(conn, caller, c, line, note, new DomainEvent.Target("group", groupId, name));
                            }))
                    .call(moved -> afterToGroup(caller, c, groupId, name, note, line, moved)
                            .onFailure().invoke(e -> LOG.warnf(e, "announcing the transfer of %s failed", c.id()))
                            .onFailure().recoverWithNull())
                    .replaceWith(c);
        });
    }

    /** The transcript lines and the event, in the transfer's transaction. */
    private Uni<Moved> record(SqlClient conn, Caller caller, ConversationRow c, String line, String note, DomainEvent.Target to) {
        long[] seqs = {0, 0, 0};
        DomainEvent.Transferred event = new DomainEvent.Transferred(c.tenantId(), c.id(), DomainEvent.Actor.staff(caller.id()),
                c.assigneeId(), to, note);
        return store.appendSystem(conn, c.tenantId(), c.id(), line, LINE_EVENT)
                .flatMap(seq -> {
                    seqs[0] = seq;
                    return note == null ? Uni.createFrom().item(0L) : appendNote(conn, c, noteLine(caller, note));
                })
                .flatMap(seq -> {
                    seqs[1] = seq;
                    return events.append(conn, event);
                })
                .flatMap(id -> {
                    seqs[2] = id;
                    return conn.preparedQuery("select user_id from conversation_participants where conversation_id = $1")
                        .execute(Tuple.of(UUID.fromString(c.id())));
                })
                .map(rows -> {
                    List<String> experts = new ArrayList<>();
                    rows.forEach(r -> experts.add(r.getUUID("user_id").toString()));
                    return new Moved(seqs[2], event, seqs[0], seqs[1], experts);
                });
    }

    /** The transcript's line: the visitor reads it too, so it names the receiver and who transferred, nothing more. */
    private static String line(String to, Caller caller) {
        return "Transferred to " + to + " by " + caller.name() + ".";
    }

    private static String noteLine(Caller caller, String note) {
        return "Transfer note from " + caller.name() + ": " + note;
    }

    /**
     * The note as an internal system line: staff read it in the transcript, the visitor never.
     * Unlike other system lines a person wrote it, so search finds it (C5), as an internal note.
     */
    private static Uni<Long> appendNote(SqlClient conn, ConversationRow c, String text) {
        return conn.preparedQuery("""
                        with bump as (
                          update conversations set last_seq = last_seq + 1 where id = $1 and tenant_id = $2 returning last_seq
                        )
                        insert into messages (tenant_id, conversation_id, seq, sender_kind, text, internal, event, search)
                        select $2, $1, last_seq, 'system', $3, true, $4, array_to_tsvector($5::text[]) from bump returning seq""")
                .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(c.tenantId()), text, NOTE_EVENT,
                        SearchTokens.indexArray(text)))
                .map(rows -> rows.iterator().next().getInteger("seq").longValue());
    }

    /**
     * After commit: the new assignee's figures and the previous assignee's (whose unit the claim
     * gave back) are read, with the history the new assignee gets; the fan-out announces the
     * transfer to the visitor, both agents and the experts ({@link io.switchboard.event.FanOutTable}).
     */
    private Uni<Void> afterToAgent(Caller caller, ConversationRow c, String agentId, String name, String note, String line,
                                   Moved moved) {
        String tenantId = c.tenantId();
        String from = c.assigneeId();
        timers.assigned(tenantId, c.id()).subscribe().with(x -> { }, e -> { });
        return store.openings(tenantId, List.of(c.id()), Integer.MAX_VALUE)
                .onFailure().recoverWithItem(Map.of())
                .flatMap(history -> liveState.current(tenantId, agentId).flatMap(st -> figuresOf(tenantId, from)
                        .flatMap(fromFigures -> fanOut.publish(Committed.of(moved.id(), moved.event(), facts(caller, c, note, line, moved)
                                .withAgent(agentId, name)
                                .withFigures(new Facts.Figures(st.status().wire(), st.load(), st.maxConcurrent()))
                                .withHistory(history.get(c.id()))
                                .withFromFigures(fromFigures))))))
                .invoke(() -> {
                    if (c.isQueued()) {
                        dispatcher.publishPositions(tenantId, c.groupId());
                    }
                });
    }

    /**
     * After commit: the previous assignee's unit goes back at once, then the fan-out announces
     * the transfer (with their lighter figures) and that capacity freed (their queues may serve
     * them again); the dispatcher serves the group.
     */
    private Uni<Void> afterToGroup(Caller caller, ConversationRow c, String groupId, String groupName, String note, String line,
                                   Moved moved) {
        String tenantId = c.tenantId();
        String from = c.assigneeId();
        Uni<Facts.Figures> fromFigures = from == null ? Uni.createFrom().nullItem() : assignments.giveBack(tenantId, from);
        return fromFigures
                .flatMap(figures -> {
                    List<Committed> out = new ArrayList<>(2);
                    out.add(Committed.of(moved.id(), moved.event(), facts(caller, c, note, line, moved).withFromFigures(figures)));
                    if (from != null) {
                        out.add(Committed.of(new DomainEvent.CapacityFreed(tenantId, from)));
                    }
                    return fanOut.publish(out);
                })
                .invoke(() -> {
                    // Served by live load from the head of the group's queue; whoever gets it is told of the transfer.
                    dispatcher.dispatch(tenantId, groupId).subscribe().with(x -> { }, e -> { });
                    dispatcher.publishPositions(tenantId, groupId);
                    if (c.isQueued() && c.groupId() != null && !c.groupId().equals(groupId)) {
                        dispatcher.publishPositions(tenantId, c.groupId());
                    }
                });
    }

    /** What every transfer's fan-out needs, from what the transfer holds: the lines, the experts, where it came from. */
    private static Facts facts(Caller caller, ConversationRow c, String note, String line, Moved moved) {
        Instant now = Instant.now();
        return Facts.visitor(c.visitorId())
                .withLine(MessageView.system(c.id(), moved.lineSeq(), line, false, now, LINE_EVENT))
                .withNote(note == null ? null
                        : MessageView.system(c.id(), moved.noteSeq(), noteLine(caller, note), true, now, NOTE_EVENT))
                .withExperts(moved.experts())
                .withTransfer(new Facts.Transfer(c.assigneeId(), c.assigneeName(), note));
    }

    /** A transfer to an agent: the previous assignee's figures, their unit already given back by the claim; null if none. */
    private Uni<Facts.Figures> figuresOf(String tenantId, String from) {
        if (from == null) {
            return Uni.createFrom().nullItem();
        }
        return liveState.current(tenantId, from)
                .map(st -> new Facts.Figures(st.status().wire(), st.load(), st.maxConcurrent()));
    }

    private Uni<String> agentName(String tenantId, String agentId) {
        return name("""
                select u.name from agents a join staff_users u on u.id = a.user_id
                where a.user_id = $1 and a.tenant_id = $2 and a.removed_at is null""", tenantId, agentId, "agent");
    }

    private Uni<String> groupName(String tenantId, String groupId) {
        return name("select name from agent_groups where id = $1 and tenant_id = $2", tenantId, groupId, "group");
    }

    /** A name of the tenant's; 404 otherwise, another tenant's id included. */
    private Uni<String> name(String sql, String tenantId, String id, String what) {
        return pool.preparedQuery(sql).execute(Tuple.of(UUID.fromString(id), UUID.fromString(tenantId))).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                throw Problem.notFound(what);
            }
            return it.next().getString("name");
        });
    }

    private static String uuid(String id, String what) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            throw Problem.notFound(what);
        }
    }
}
