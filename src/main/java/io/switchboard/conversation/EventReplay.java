package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.event.Committed;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Facts;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.switchboard.routing.setup.RoutingSetups;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rebuilds, from the log and the current state, what the fan-out needs to announce an event
 * whose replica died before announcing it ({@link EventSweep}): the event from its row, and
 * its {@link Facts} from the conversation as it is now (visitor, assignee, experts, the
 * system lines the event wrote, the history a new assignee gets, names) and from the live
 * figures of the agents concerned. The sweep only replays an event nothing has superseded, so
 * "as it is now" is the state the event left.
 */
@ApplicationScoped
class EventReplay {

    /** An event row as the sweep claimed it. */
    record Logged(long id, String tenantId, String conversationId, String kind, String actorKind, String actorId,
                  JsonObject data) {}

    private static final String CONVERSATION = """
            select c.visitor_id, c.assignee_id,
              array(select p.user_id::text from conversation_participants p where p.conversation_id = c.id) as experts,
              (select s.sent_by from conversation_surveys s where s.conversation_id = c.id) as survey_by,
              (select u.name from staff_users u where u.id = $3 and u.tenant_id = $2) as agent_name,
              (select u.name from staff_users u where u.id = $4 and u.tenant_id = $2) as other_name
            from conversations c where c.id = $1 and c.tenant_id = $2""";

    /** The newest system line of a kind the event wrote (V15 marker). */
    private static final String LINE = """
            select seq, text, internal, created_at, event from messages
            where conversation_id = $1 and tenant_id = $2 and sender_kind = 'system' and event = $3
            order by seq desc limit 1""";

    private static final String NOTE_AFTER = """
            select seq, text, internal, created_at, event from messages
            where conversation_id = $1 and tenant_id = $2 and seq = $3 and event = 'transfer_note'""";

    /** The event before an assignment among assignments and transfers: a transfer to a group the assignment served. */
    private static final String TRANSFER_BEFORE = """
            select e.kind, e.data->'to'->>'kind' as to_kind, e.data->>'from' as from_id, e.data->>'note' as note,
              (select u.name from staff_users u where u.id::text = e.data->>'from') as from_name
            from conversation_events e
            where e.conversation_id = $1 and e.tenant_id = $2 and e.id < $3 and e.kind in ('assigned', 'transferred')
            order by e.id desc limit 1""";

    private final Pool pool;
    private final ConversationStore store;
    private final LiveAgentState liveState;
    private final RoutingSetups setups;

    EventReplay(Pool pool, ConversationStore store, LiveAgentState liveState, RoutingSetups setups) {
        this.pool = pool;
        this.store = store;
        this.liveState = liveState;
        this.setups = setups;
    }

    /** The event decoded from its row; empty for a kind nobody hears of, or a row that no longer decodes. */
    static Optional<DomainEvent> decode(Logged e) {
        JsonObject d = e.data() == null ? new JsonObject() : e.data();
        DomainEvent.Actor actor = new DomainEvent.Actor(e.actorKind(), e.actorId());
        String t = e.tenantId();
        String c = e.conversationId();
        return Optional.ofNullable(switch (e.kind()) {
            case "assigned" -> d.getString("manual") == null
                    ? DomainEvent.Assigned.auto(t, c, d.getString("chosen"), d)
                    : DomainEvent.Assigned.byHand(t, c, e.actorId(), d.getString("chosen"), d.getString("manual"),
                            d.getInteger("load", -1));
            case "reassigned" -> new DomainEvent.Reassigned(t, c, d.getString("from"), d.getInteger("minutes", 0));
            case "auto_closed" -> new DomainEvent.AutoClosed(t, c, d.getInteger("minutes", 0));
            case "closed" -> new DomainEvent.Closed(t, c, actor, d.getString("reason"));
            case "expired" -> new DomainEvent.Expired(t, c);
            case "out_of_hours" -> new DomainEvent.OutOfHours(t, c, d.getString("group"), d, null);
            case "unmatched" -> new DomainEvent.Unmatched(t, c);
            case "agent_status_changed" -> new DomainEvent.AgentStatusChanged(t, d.getString("agent"), d.getString("status"));
            case "agent_limit_changed" -> new DomainEvent.AgentLimitChanged(t, d.getString("agent"), d.getInteger("max", 0));
            case "transferred" -> {
                JsonObject to = d.getJsonObject("to", new JsonObject());
                yield new DomainEvent.Transferred(t, c, actor, d.getString("from"),
                        new DomainEvent.Target(to.getString("kind"), to.getString("id"), to.getString("name")), d.getString("note"));
            }
            case "participant_joined" -> new DomainEvent.ParticipantJoined(t, c, actor, d.getString("agent"));
            case "participant_left" -> new DomainEvent.ParticipantLeft(t, c, actor, d.getString("agent"));
            case "survey_sent" -> new DomainEvent.SurveySent(t, c, actor);
            case "rated" -> new DomainEvent.Rated(t, c, actor, d.getInteger("score", 0), d.getString("comment"));
            default -> null;
        });
    }

    /** The event with the facts its frames need; empty when its conversation is gone or it does not decode. */
    Uni<Optional<Committed>> replay(Logged logged) {
        Optional<DomainEvent> decoded;
        try {
            decoded = decode(logged);
        } catch (RuntimeException malformed) {
            decoded = Optional.empty();
        }
        if (decoded.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        DomainEvent event = decoded.get();
        if (event instanceof DomainEvent.OutOfHours o) {
            // The log keeps the routing explanation, not the text the visitor read: the rule's
            // or the tenant's text, as the setup has it now.
            String ruleId = o.why().getString("rule");
            return setups.of(o.tenantId()).flatMap(setup -> facts(logged, o)
                    .map(f -> f.map(facts -> Committed.of(logged.id(), withText(o, setup, ruleId), facts))));
        }
        if (event.conversationId() == null) {
            String agentId = event instanceof DomainEvent.AgentStatusChanged s ? s.agentId()
                    : ((DomainEvent.AgentLimitChanged) event).agentId();
            return figures(event.tenantId(), agentId)
                    .map(f -> Optional.of(Committed.of(logged.id(), event, Facts.agent(agentId, f))));
        }
        return facts(logged, event).map(f -> f.map(facts -> Committed.of(logged.id(), event, facts)));
    }

    private static DomainEvent.OutOfHours withText(DomainEvent.OutOfHours o, io.switchboard.routing.RoutingSetup setup,
                                                   String ruleId) {
        return new DomainEvent.OutOfHours(o.tenantId(), o.conversationId(), o.groupId(), o.why(),
                setup.outOfHoursText(ruleId == null ? null : setup.rule(ruleId).orElse(null)));
    }

    private Uni<Optional<Facts>> facts(Logged logged, DomainEvent event) {
        UUID conversation = UUID.fromString(event.conversationId());
        UUID tenant = UUID.fromString(event.tenantId());
        String agent = concernedAgent(event);
        String other = otherStaff(event);
        return pool.preparedQuery(CONVERSATION)
                .execute(Tuple.of(conversation, tenant, uuid(agent), uuid(other)))
                .flatMap(rows -> {
                    Optional<Row> found = ConversationStore.first(rows);
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(Optional.<Facts>empty());
                    }
                    Row r = found.get();
                    String[] experts = r.getArrayOfStrings("experts");
                    String assignee = ConversationRow.str(r.getUUID("assignee_id"));
                    Facts base = Facts.visitor(ConversationRow.str(r.getUUID("visitor_id")))
                            .withExperts(experts == null ? List.of() : Arrays.asList(experts));
                    return complete(logged, event, base, assignee, r.getString("agent_name"), r.getString("other_name"),
                            ConversationRow.str(r.getUUID("survey_by"))).map(Optional::of);
                });
    }

    /** The agent whose frames and figures the event is about, when it names one. */
    private static String concernedAgent(DomainEvent event) {
        if (event instanceof DomainEvent.Assigned a) {
            return a.agentId();
        }
        if (event instanceof DomainEvent.Transferred t && "agent".equals(t.to().kind())) {
            return t.to().id();
        }
        return null;
    }

    /** Another staff member the frames name: who invited, or who a transfer came from. */
    private static String otherStaff(DomainEvent event) {
        if (event instanceof DomainEvent.ParticipantJoined j) {
            return j.actor().id();
        }
        if (event instanceof DomainEvent.Transferred t) {
            return t.fromAgentId();
        }
        return null;
    }

    private Uni<Facts> complete(Logged logged, DomainEvent event, Facts base, String assignee, String agentName,
                                String otherName, String surveyBy) {
        String c = event.conversationId();
        String tenantId = event.tenantId();
        if (event instanceof DomainEvent.Assigned a) {
            return figures(tenantId, a.agentId()).flatMap(f -> history(tenantId, c, 1000)
                    .flatMap(h -> transferBefore(logged).map(transfer -> base.withAgent(a.agentId(), agentName)
                            .withFigures(f).withHistory(h).withTransfer(transfer))));
        }
        if (event instanceof DomainEvent.Reassigned r) {
            return line(tenantId, c, "reassigned").flatMap(line -> figures(tenantId, r.fromAgentId())
                    .map(f -> base.withLine(line.orElse(null)).withFigures(f)));
        }
        if (event instanceof DomainEvent.AutoClosed) {
            return line(tenantId, c, "auto_closed").map(line -> base.withAgent(assignee, null).withLine(line.orElse(null)));
        }
        if (event instanceof DomainEvent.Closed) {
            return (assignee == null ? Uni.createFrom().<Facts.Figures>nullItem() : figures(tenantId, assignee))
                    .map(f -> base.withAgent(assignee, null).withFigures(f));
        }
        if (event instanceof DomainEvent.Transferred t) {
            return transferred(t, base, agentName, otherName);
        }
        if (event instanceof DomainEvent.ParticipantJoined) {
            return Uni.createFrom().item(base.withActorName(otherName));
        }
        if (event instanceof DomainEvent.Rated) {
            return Uni.createFrom().item(base.withAgent(assignee, null).withSurveySentBy(surveyBy));
        }
        // Expired, Unmatched (the fan-out reads the supervisors), SurveySent, ParticipantLeft.
        return Uni.createFrom().item(base);
    }

    private Uni<Facts> transferred(DomainEvent.Transferred t, Facts base, String agentName, String fromName) {
        String tenantId = t.tenantId();
        String c = t.conversationId();
        boolean toAgent = "agent".equals(t.to().kind());
        return line(tenantId, c, Transfers.LINE_EVENT).flatMap(line -> noteAfter(tenantId, c, t.note() == null ? null : line)
                .flatMap(note -> {
                    Facts f = base.withLine(line.orElse(null)).withNote(note.orElse(null))
                            .withTransfer(new Facts.Transfer(t.fromAgentId(), fromName, t.note()));
                    Uni<Facts> from = t.fromAgentId() == null ? Uni.createFrom().item(f)
                            : figures(tenantId, t.fromAgentId()).map(f::withFromFigures);
                    if (!toAgent) {
                        return from;
                    }
                    return from.flatMap(g -> figures(tenantId, t.to().id()).flatMap(fig -> history(tenantId, c, Integer.MAX_VALUE)
                            .map(h -> g.withAgent(t.to().id(), agentName).withFigures(fig).withHistory(h))));
                }));
    }

    private Uni<Optional<MessageView>> line(String tenantId, String conversationId, String marker) {
        return pool.preparedQuery(LINE).execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), marker))
                .map(rows -> ConversationStore.first(rows).map(r -> view(r, conversationId)));
    }

    /** The transfer's note line, written right after its visible line; none when the transfer had no note. */
    private Uni<Optional<MessageView>> noteAfter(String tenantId, String conversationId, Optional<MessageView> line) {
        if (line == null || line.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery(NOTE_AFTER)
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId), (int) line.get().seq() + 1))
                .map(rows -> ConversationStore.first(rows).map(r -> view(r, conversationId)));
    }

    private Uni<Facts.Transfer> transferBefore(Logged logged) {
        return pool.preparedQuery(TRANSFER_BEFORE)
                .execute(Tuple.of(UUID.fromString(logged.conversationId()), UUID.fromString(logged.tenantId()), logged.id()))
                .map(rows -> ConversationStore.first(rows)
                        .filter(r -> "transferred".equals(r.getString("kind")) && "group".equals(r.getString("to_kind")))
                        .map(r -> new Facts.Transfer(r.getString("from_id"), r.getString("from_name"), r.getString("note")))
                        .orElse(null));
    }

    private Uni<List<MessageView>> history(String tenantId, String conversationId, int upToSeq) {
        return store.openings(tenantId, List.of(conversationId), upToSeq)
                .map(h -> h.getOrDefault(conversationId, List.of()));
    }

    /** The agent's live figures now; null when Redis cannot tell (their console reads them on resume). */
    private Uni<Facts.Figures> figures(String tenantId, String agentId) {
        if (agentId == null) {
            return Uni.createFrom().nullItem();
        }
        return liveState.current(tenantId, agentId)
                .map(s -> s.present() ? new Facts.Figures(s.status().wire(), s.load(), s.maxConcurrent()) : null)
                .onFailure().recoverWithNull();
    }

    private static MessageView view(Row r, String conversationId) {
        return MessageView.system(conversationId, r.getInteger("seq"), r.getString("text"), r.getBoolean("internal"),
                r.getOffsetDateTime("created_at").toInstant(), r.getString("event"));
    }

    private static UUID uuid(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
