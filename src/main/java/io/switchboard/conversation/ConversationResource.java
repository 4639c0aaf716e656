package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import java.util.ArrayList;
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

    ConversationResource(CurrentCaller current, ConversationStore store, ConversationService service) {
        this.current = current;
        this.store = store;
        this.service = service;
    }

    /**
     * Supervisors and admins see the whole tenant; an agent sees what is assigned to them
     * and what waits in the queues of their groups.
     */
    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<List<ConversationView>> list(@QueryParam("state") String state,
                                            @QueryParam("limit") @DefaultValue("100") int limit) {
        Caller caller = current.staff();
        if (state != null && !List.of("open", "queued", "closed").contains(state)) {
            throw Problem.invalid("state", "must be open, queued or closed");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw Problem.invalid("limit", "must be between 1 and " + MAX_PAGE);
        }
        String visibility = caller.seesWholeTenant() ? "$3::uuid is not null" : """
                (c.assignee_id = $3 or (c.state = 'queued' and (c.group_id is null or c.group_id in
                  (select group_id from group_members where agent_id = $3))))""";
        // Both use messages' (conversation_id, seq) key: only the tail of each conversation is read.
        String sql = "select (select count(*) from messages m where m.conversation_id = c.id and m.seq > c.agent_read_seq"
                + " and m.sender_kind = 'visitor') as unread,"
                + " (select left(m.text, " + PREVIEW_CHARS + ") from messages m where m.conversation_id = c.id"
                + " order by m.seq desc limit 1) as preview, " + ConversationRow.COLUMNS
                + " where c.tenant_id = $1 and ($2::text is null or c.state = $2) and " + visibility
                + " order by coalesce(c.last_visitor_message_at, c.created_at) desc limit $4";
        return store.pool().preparedQuery(sql)
                .execute(Tuple.of(UUID.fromString(caller.tenantId()), state, UUID.fromString(caller.id()), limit))
                .map(rows -> {
                    List<ConversationView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(ConversationView.of(ConversationRow.from(r), r.getLong("unread").intValue(),
                                r.getString("preview")));
                    }
                    return out;
                });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<ConversationView> get(@PathParam("id") String id) {
        Caller caller = current.staff();
        return store.find(caller.tenantId(), uuid(id))
                .map(found -> ConversationView.of(found.orElseThrow(() -> Problem.notFound("conversation"))));
    }

    /** Staff read every message including internal notes; a visitor reads their own, without notes. */
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
        return store.find(caller.tenantId(), uuid(id)).flatMap(found -> {
            ConversationRow c = found.orElseThrow(() -> Problem.notFound("conversation"));
            if (!caller.isStaff() && !c.visitorId().equals(caller.id())) {
                throw Problem.notFound("conversation");
            }
            return store.messagesAfter(caller.tenantId(), c.id(), afterSeq, limit, caller.isStaff());
        });
    }

    @POST
    @Path("/{id}/close")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<ConversationView> close(@PathParam("id") String id) {
        return service.closeByStaff(current.staff(), uuid(id)).map(ConversationView::of);
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
