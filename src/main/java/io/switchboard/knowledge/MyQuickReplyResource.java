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

/**
 * A staff member's own quick replies (A7): offered to them alone, in every channel. Another
 * person's reply, whoever asks, is not found (404).
 */
@Path("/api/v1/me/quick-replies")
@Tag(name = "Quick replies")
public class MyQuickReplyResource {

    public record MyReplyView(String id, String category, String title, String text) {

        static MyReplyView of(QuickReplies.Stored r) {
            return new MyReplyView(r.id().toString(), r.category(), r.title(), r.text());
        }
    }

    private final CurrentCaller current;
    private final QuickReplies replies;

    MyQuickReplyResource(CurrentCaller current, QuickReplies replies) {
        this.current = current;
        this.replies = replies;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "My own quick replies by category and title")
    public Uni<List<MyReplyView>> list() {
        return replies.list(tenant(), me()).map(l -> l.stream().map(MyReplyView::of).toList());
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Keep a quick reply of my own")
    public Uni<Response> create(QuickReplyBody body) {
        KnowledgeRules.Reply r = KnowledgeRules.reply(body, null, true);
        return replies.create(tenant(), me(), r).map(s -> Response.status(201).entity(MyReplyView.of(s)).build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Change one of my quick replies; fields left out stay as they are")
    public Uni<MyReplyView> update(@PathParam("id") String id, QuickReplyBody body) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        return replies.update(tenant(), me(), Ids.of(id, "quick reply"), before -> KnowledgeRules.reply(body, before, true))
                .map(MyReplyView::of);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<Response> delete(@PathParam("id") String id) {
        return replies.delete(tenant(), me(), Ids.of(id, "quick reply")).map(v -> Response.noContent().build());
    }

    private UUID tenant() {
        return UUID.fromString(current.staff().tenantId());
    }

    private UUID me() {
        return UUID.fromString(current.staff().id());
    }
}
