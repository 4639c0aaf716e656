package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.common.Problem;
import io.switchboard.event.DomainEvent;
import io.switchboard.event.Committed;
import io.switchboard.event.EventLog;
import io.switchboard.event.Facts;
import io.switchboard.event.FanOut;
import io.switchboard.routing.AgentStatus;
import io.switchboard.security.Caller;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Experts invited into a conversation (C7). An expert reads its history, receives its frames
 * live and may write into it, visibly or as an internal note; an invitation adds nothing to
 * their load. The invitation is a row of conversation_participants (who is in it now) and a
 * 'participant' row of conversation_staff (they keep sight of it afterwards, see
 * {@link Visibility}), written with its event in one transaction.
 */
@ApplicationScoped
public class Participants {

    /** An expert as GET /conversations/{id} lists them. */
    public record Expert(String id, String name) {}

    private final Pool pool;
    private final ConversationAccess access;
    private final EventLog events;
    private final LiveAgentState liveState;
    private final FanOut fanOut;

    Participants(Pool pool, ConversationAccess access, EventLog events, LiveAgentState liveState, FanOut fanOut) {
        this.pool = pool;
        this.access = access;
        this.events = events;
        this.liveState = liveState;
        this.fanOut = fanOut;
    }

    /** The experts in the conversation now, by name. */
    public Uni<List<Expert>> of(String tenantId, String conversationId) {
        return pool.preparedQuery("""
                        select p.user_id, u.name from conversation_participants p join staff_users u on u.id = p.user_id
                        where p.conversation_id = $1 and p.tenant_id = $2 order by p.since, p.user_id""")
                .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(tenantId)))
                .map(rows -> {
                    List<Expert> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Expert(r.getUUID("user_id").toString(), r.getString("name")));
                    }
                    return out;
                });
    }

    /**
     * Invites an agent of the tenant who is online or on a break; 409 when they are offline,
     * already in the conversation (as expert or assignee) or it is closed.
     */
    public Uni<List<Expert>> invite(Caller caller, String conversationId, String agentId) {
        return access.actable(caller, conversationId).flatMap(c -> {
            if (c.isClosed()) {
                throw Problem.conflict("conversation is closed");
            }
            if (agentId.equals(c.assigneeId())) {
                throw Problem.conflict("the agent is the conversation's assignee");
            }
            return agentName(caller.tenantId(), agentId)
                    .call(name -> liveState.current(caller.tenantId(), agentId).invoke(s -> {
                        if (!s.present() || s.status() == AgentStatus.OFFLINE) {
                            throw Problem.conflict("the agent is offline");
                        }
                    }))
                    .flatMap(name -> {
                        DomainEvent.ParticipantJoined joined = new DomainEvent.ParticipantJoined(c.tenantId(), c.id(),
                                DomainEvent.Actor.staff(caller.id()), agentId);
                        return pool.withTransaction(conn -> conn.preparedQuery("""
                                    insert into conversation_participants (conversation_id, user_id, tenant_id, invited_by)
                                    values ($1, $2, $3, $4) on conflict do nothing""")
                            .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(agentId), UUID.fromString(c.tenantId()),
                                    UUID.fromString(caller.id())))
                            .flatMap(rows -> {
                                if (rows.rowCount() != 1) {
                                    throw Problem.conflict("the agent is already in the conversation");
                                }
                                return conn.preparedQuery("""
                                                insert into conversation_staff (conversation_id, user_id, tenant_id, role)
                                                values ($1, $2, $3, 'participant') on conflict do nothing""")
                                        .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(agentId),
                                                UUID.fromString(c.tenantId())));
                            })
                            .flatMap(x -> events.append(conn, joined)))
                                // After commit: the expert's console opens the conversation and reads its history.
                                .call(id -> fanOut.publish(Committed.of(id, joined, Facts.NONE.withActorName(caller.name()))));
                    })
                    .flatMap(x -> of(c.tenantId(), c.id()));
        });
    }

    /**
     * The expert leaves, or the assignee, a supervisor or an admin removes them; 404 when they
     * are not in the conversation.
     */
    public Uni<Void> remove(Caller caller, String conversationId, String agentId) {
        return access.visible(caller, conversationId).flatMap(c -> {
            boolean self = caller.id().equals(agentId);
            if (!self && !caller.seesWholeTenant() && !caller.id().equals(c.assigneeId())) {
                throw Problem.forbidden("only the expert, the assignee, a supervisor or an admin may do this");
            }
            DomainEvent.ParticipantLeft left = new DomainEvent.ParticipantLeft(c.tenantId(), c.id(),
                    DomainEvent.Actor.staff(caller.id()), agentId);
            return pool.withTransaction(conn -> conn.preparedQuery(
                                    "delete from conversation_participants where conversation_id = $1 and user_id = $2 and tenant_id = $3")
                            .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(agentId), UUID.fromString(c.tenantId())))
                            .flatMap(rows -> {
                                if (rows.rowCount() != 1) {
                                    throw Problem.notFound("participant");
                                }
                                return events.append(conn, left);
                            }))
                    .flatMap(id -> fanOut.publish(Committed.of(id, left, Facts.NONE)));
        });
    }

    /** The agent's name, if they are an agent of the tenant; 404 otherwise (another tenant's id included). */
    private Uni<String> agentName(String tenantId, String agentId) {
        return pool.preparedQuery("""
                        select u.name from agents a join staff_users u on u.id = a.user_id
                        where a.user_id = $1 and a.tenant_id = $2 and a.removed_at is null""")
                .execute(Tuple.of(UUID.fromString(agentId), UUID.fromString(tenantId)))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        throw Problem.notFound("agent");
                    }
                    return it.next().getString("name");
                });
    }
}
