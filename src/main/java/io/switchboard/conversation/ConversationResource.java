package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentStore;
import org.eclipse.microprofile.openapi.annotations.Operation;
import io.switchboard.common.Problem;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;

/** Conversations and their messages over REST (PROTOCOL.md), scoped to the caller's tenant. */
@Path("/api/v1/conversations")
public class ConversationResource {

    public static final int MAX_PAGE = 500;
    /** Characters of the latest message shown in a list row. */
    static final int PREVIEW_CHARS = 120;

    private final CurrentCaller current;
    private final ConversationStore store;
    private final ConversationService service;
    private final Assignments assignments;
    private final AgentStore agents;
    private final ConversationAccess access;
    private final Transfers transfers;
    private final Participants participants;
    private final Surveys surveys;
    private final Stars stars;
    private final BatchActions batches;

    ConversationResource(CurrentCaller current, ConversationStore store, ConversationService service,
                         Assignments assignments, AgentStore agents, ConversationAccess access,
                         Transfers transfers, Participants participants, Surveys surveys, Stars stars,
                         BatchActions batches) {
        this.stars = stars;
        this.batches = batches;
        this.transfers = transfers;
        this.participants = participants;
        this.surveys = surveys;
        this.access = access;
        this.current = current;
        this.store = store;
        this.service = service;
        this.assignments = assignments;
        this.agents = agents;
    }

    /**
     * Supervisors and admins see the whole tenant; an agent sees what is assigned to them
     * and what waits in the queues they serve: of what they may see ({@link Visibility}), the
     * part that is theirs to work on.
     */
    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<List<ConversationView>> list(@QueryParam("state") String state,
                                            @QueryParam("limit") @DefaultValue("100") int limit,
                                            @QueryParam("starred") String starred) {
        Caller caller = current.staff();
        if (state != null && !List.of("open", "queued", "closed").contains(state)) {
            throw Problem.invalid("state", "must be open, queued or closed");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw Problem.invalid("limit", "must be between 1 and " + MAX_PAGE);
        }
        if (starred != null && !List.of("true", "false").contains(starred)) {
            throw Problem.invalid("starred", "must be true or false");
        }
        boolean onlyStarred = "true".equals(starred);
        String star = "exists (select 1 from conversation_stars st where st.user_id = $3 and st.conversation_id = c.id)";
        // An agent's own part: assigned to them, waiting, or one they are an invited expert in (C7).
        // Their stars (C3) are theirs to keep: every starred conversation they may still see.
        String visibility = VisibilitySql.forCaller(caller, "c", "$1", "$3")
                + (onlyStarred ? " and " + star : caller.seesWholeTenant() ? "" : " and (c.assignee_id = $3 or c.state = 'queued'"
                + " or exists (select 1 from conversation_participants p where p.conversation_id = c.id and p.user_id = $3))");
        // Both use messages' (conversation_id, seq) key: only the tail of each conversation is read.
        String sql = "select (select count(*) from messages m where m.conversation_id = c.id and m.seq > c.agent_read_seq"
                + " and m.sender_kind = 'visitor') as unread,"
                + " (select left(m.text, " + PREVIEW_CHARS + ") from messages m where m.conversation_id = c.id"
                + " order by m.seq desc limit 1) as preview,"
                + " (select m.attachments from messages m where m.conversation_id = c.id"
                + " order by m.seq desc limit 1) as preview_attachments, c.rating as rating_score, " + star + " as starred, "
                + ConversationRow.COLUMNS
                + " where c.tenant_id = $1 and ($2::text is null or c.state = $2) and " + visibility
                + " order by coalesce(c.last_visitor_message_at, c.created_at) desc limit $4";
        return store.pool().preparedQuery(sql)
                .execute(Tuple.of(UUID.fromString(caller.tenantId()), state, UUID.fromString(caller.id()), limit))
                .map(rows -> {
                    List<ConversationView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(ConversationView.of(ConversationRow.from(r), r.getLong("unread").intValue(),
                                r.getString("preview")).withPreviewAttachments(ConversationView.PreviewFile.listOf(r.getValue("preview_attachments")))
                                .withScore(r.getInteger("rating_score"))
                                .withStarred(r.getBoolean("starred")));
                    }
                    return out;
                });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<ConversationView> get(@PathParam("id") String id) {
        Caller caller = current.staff();
        return access.visible(caller, uuid(id)).flatMap(this::withTeamwork)
                .flatMap(v -> stars.starred(caller, v.id()).map(v::withStarred));
    }

    // ---------------------------------------------------------------- stars and batches (C3, C4)

    @PUT
    @Path("/{id}/star")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Star a conversation the caller may see, for the caller only")
    public Uni<Void> star(@PathParam("id") String id) {
        return stars.star(current.staff(), uuid(id));
    }

    @DELETE
    @Path("/{id}/star")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<Void> unstar(@PathParam("id") String id) {
        return stars.unstar(current.staff(), uuid(id));
    }

    @POST
    @Path("/batch")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Mark read or close up to 200 conversations, each wholly or not at all")
    public Uni<BatchActions.Results> batch(BatchActions.Request body) {
        return batches.run(current.staff(), body);
    }

    /** The conversation with its experts, rating and number of transfers (C6-C8). */
    private Uni<ConversationView> withTeamwork(ConversationRow c) {
        Uni<Integer> transferCount = store.pool().preparedQuery(
                        "select count(*) as n from conversation_events where conversation_id = $1 and tenant_id = $2 and kind = 'transferred'")
                .execute(Tuple.of(UUID.fromString(c.id()), UUID.fromString(c.tenantId())))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
        return Uni.combine().all().unis(participants.of(c.tenantId(), c.id()), surveys.rating(c.tenantId(), c.id()), transferCount)
                .asTuple()
                .map(t -> ConversationView.of(c).withTeamwork(t.getItem1(), t.getItem2(), t.getItem3()));
    }

    // ---------------------------------------------------------------- teamwork (C6, C7, C8)

    /** Who the conversation may be transferred to: agents online or on a break, least saturated first, and the groups. */
    @GET
    @Path("/{id}/transfer-targets")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Agents (online or break, not the assignee, by saturation) and groups the conversation may go to")
    public Uni<Transfers.Targets> transferTargets(@PathParam("id") String id) {
        return transfers.targets(current.staff(), uuid(id));
    }

    /** Hands the conversation to an agent (theirs at once, beyond their limit) or to the head of a group's queue. */
    @POST
    @Path("/{id}/transfer")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Transfer the conversation to an agent or a group, with a note for staff")
    public Uni<ConversationView> transfer(@PathParam("id") String id, Transfers.Request body) {
        return transfers.transfer(current.staff(), uuid(id), body).flatMap(this::withTeamwork);
    }

    public record InviteRequest(String agentId) {}

    /** Invites an expert (online or on a break) into the conversation; answers its experts. */
    @POST
    @Path("/{id}/participants")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Invite an expert: they read the history, follow the conversation live and may write or add notes")
    public Uni<List<Participants.Expert>> invite(@PathParam("id") String id, InviteRequest body) {
        if (body == null || body.agentId() == null) {
            throw Problem.invalid("agentId", "required");
        }
        String agentId;
        try {
            agentId = UUID.fromString(body.agentId()).toString();
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("agent");
        }
        return participants.invite(current.staff(), uuid(id), agentId);
    }

    /** The expert leaves, or is removed by the assignee, a supervisor or an admin. */
    @DELETE
    @Path("/{id}/participants/{agentId}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "An expert leaves the conversation or is removed from it")
    public Uni<Void> removeParticipant(@PathParam("id") String id, @PathParam("agentId") String agentId) {
        String expert;
        try {
            expert = UUID.fromString(agentId).toString();
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("participant");
        }
        return participants.remove(current.staff(), uuid(id), expert);
    }

    public record SurveySent(String conversationId, java.time.Instant sentAt) {}

    /** Asks the visitor to rate the conversation, once per conversation; works after the close. */
    @POST
    @Path("/{id}/survey")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Send the visitor a satisfaction survey (once per conversation)")
    public Uni<SurveySent> survey(@PathParam("id") String id) {
        String conversationId = uuid(id);
        return surveys.send(current.staff(), conversationId).map(at -> new SurveySent(conversationId, at));
    }

    /** Staff who may see the conversation read every message including internal notes; a visitor reads their own, without notes. */
    @GET
    @Path("/{id}/messages")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.VISITOR})
    public Uni<List<MessageView>> messages(@PathParam("id") String id,
                                           @QueryParam("afterSeq") @DefaultValue("0") long afterSeq,
                                           @QueryParam("limit") @DefaultValue("100") int limit) {
        Caller caller = current.get();
        if (afterSeq < 0) {
            throw Problem.invalid("afterSeq", "must be 0 or more");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw Problem.invalid("limit", "must be between 1 and " + MAX_PAGE);
        }
        if (caller.isStaff()) {
            return access.visible(caller, uuid(id))
                    .flatMap(c -> store.messagesAfter(caller.tenantId(), c.id(), afterSeq, limit, true));
        }
        return store.find(caller.tenantId(), uuid(id)).flatMap(found -> {
            ConversationRow c = found.orElseThrow(() -> Problem.notFound("conversation"));
            if (!c.visitorId().equals(caller.id())) {
                throw Problem.notFound("conversation");
            }
            return store.messagesAfter(caller.tenantId(), c.id(), afterSeq, limit, false);
        });
    }

    @POST
    @Path("/{id}/close")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<ConversationView> close(@PathParam("id") String id) {
        return service.closeByStaff(current.staff(), uuid(id)).map(ConversationView::of);
    }

    public record AssignRequest(String agentId) {}

    /**
     * An agent takes a waiting conversation by hand from a queue they serve (their groups', or
     * one a routing rule pools with theirs, of a channel they serve); may exceed their limit
     * (B2, B4). One they may not see answers 404; one they see (they were assigned it once)
     * but whose queue they do not serve, 403.
     */
    @POST
    @Path("/{id}/pickup")
    @RolesAllowed(Roles.AGENT)
    @Operation(summary = "Pick a waiting conversation up by hand; may exceed the limit and counts as load")
    public Uni<ConversationView> pickup(@PathParam("id") String id) {
        Caller caller = current.staff();
        String conversationId = uuid(id);
        return access.judged(caller, conversationId).flatMap(judged -> {
            if (!judged.serves()) {
                throw Problem.forbidden("the conversation waits in a queue you do not serve");
            }
            return assignments.assignByHand(caller.tenantId(), conversationId, caller.id(), caller.id(), "pickup");
        }).map(ConversationView::of);
    }

    /** An admin or supervisor assigns a waiting (for instance unmatched) conversation to an agent; may exceed the limit. */
    @POST
    @Path("/{id}/assign")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @Operation(summary = "Assign a waiting conversation to an agent by hand; may exceed the limit and counts as load")
    public Uni<ConversationView> assign(@PathParam("id") String id, AssignRequest body) {
        Caller caller = current.staff();
        String conversationId = uuid(id);
        if (body == null || body.agentId() == null) {
            throw Problem.invalid("agentId", "required");
        }
        String agentId;
        try {
            agentId = UUID.fromString(body.agentId()).toString();
        } catch (IllegalArgumentException e) {
            throw Problem.invalid("agentId", "not an agent id");
        }
        return store.find(caller.tenantId(), conversationId)
                .map(found -> found.orElseThrow(() -> Problem.notFound("conversation")))
                .flatMap(c -> agents.find(caller.tenantId(), agentId))
                .flatMap(agent -> {
                    if (agent.isEmpty()) {
                        throw Problem.invalid("agentId", "no such agent in this tenant");
                    }
                    return assignments.assignByHand(caller.tenantId(), conversationId, agentId, caller.id(), "assign");
                })
                .map(ConversationView::of);
    }

    /** Why the conversation went where it did: each routing event with its rule, strategy, candidates and choice. */
    @GET
    @Path("/{id}/routing")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "The routing decisions taken for a conversation, oldest first")
    public Uni<List<Map<String, Object>>> routing(@PathParam("id") String id) {
        Caller caller = current.staff();
        String conversationId = uuid(id);
        return access.visible(caller, conversationId)
                .flatMap(c -> store.pool().preparedQuery("""
                                select kind, actor_kind, actor_id, data, created_at from conversation_events
                                where conversation_id = $1 and tenant_id = $2
                                  and kind in ('queued', 'routed', 'assigned', 'released', 'unmatched', 'out_of_hours', 'expired', 'reassigned',
                                               'transferred')
                                order by id""")
                        .execute(Tuple.of(UUID.fromString(conversationId), UUID.fromString(caller.tenantId()))))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row r : rows) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("kind", r.getString("kind"));
                        e.put("at", r.getOffsetDateTime("created_at").toInstant());
                        e.put("actorKind", r.getString("actor_kind"));
                        e.put("actorId", r.getUUID("actor_id") == null ? null : r.getUUID("actor_id").toString());
                        Object data = r.getValue("data");
                        e.put("why", data instanceof io.vertx.core.json.JsonObject o ? o.getMap() : data);
                        out.add(e);
                    }
                    return out;
                });
    }

    /** Ids are UUIDs; anything else cannot exist, so it answers like an unknown id. */
    private static String uuid(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("conversation");
        }
    }
}
