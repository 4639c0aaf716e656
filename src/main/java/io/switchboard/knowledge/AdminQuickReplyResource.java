package io.switchboard.knowledge;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** The tenant's quick replies (A7): admins write them, supervisors read them. */
@Path("/api/v1/admin/quick-replies")
@Tag(name = "Admin: quick replies")
public class AdminQuickReplyResource {

    /** @param channelIds empty: offered in every channel */
    public record ReplyView(String id, String category, String title, String text, List<String> channelIds) {

        static ReplyView of(QuickReplies.Stored r) {
            return new ReplyView(r.id().toString(), r.category(), r.title(), r.text(),
                    r.channelIds().stream().map(UUID::toString).toList());
        }
    }

    private final CurrentCaller current;
    private final QuickReplies replies;

    AdminQuickReplyResource(CurrentCaller current, QuickReplies replies) {
        this.current = current;
        this.replies = replies;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @Operation(summary = "The tenant's quick replies by category and title")
    public Uni<List<ReplyView>> list() {
        return replies.list(tenant(), null).map(l -> l.stream().map(ReplyView::of).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    public Uni<ReplyView> get(@PathParam("id") String id) {
        return replies.get(tenant(), null, Ids.of(id, "quick reply")).map(ReplyView::of);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a quick reply for the tenant; channelIds empty or left out: every channel")
    public Uni<Response> create(QuickReplyBody body) {
        KnowledgeRules.Reply r = KnowledgeRules.reply(body, null, false);
        return replies.create(tenant(), null, r).map(s -> Response.status(201).entity(ReplyView.of(s)).build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a quick reply; fields left out stay as they are")
    public Uni<ReplyView> update(@PathParam("id") String id, QuickReplyBody body) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        return replies.update(tenant(), null, Ids.of(id, "quick reply"), before -> KnowledgeRules.reply(body, before, false))
                .map(ReplyView::of);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("id") String id) {
        return replies.delete(tenant(), null, Ids.of(id, "quick reply")).map(v -> Response.noContent().build());
    }

    private UUID tenant() {
        return UUID.fromString(current.staff().tenantId());
    }
}
