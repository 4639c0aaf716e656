package io.switchboard.attachment;

import io.smallrye.mutiny.Uni;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * {@code GET /api/v1/attachments/{id}} (docs/protocol.md, "Attachments"): the file, for staff
 * who may see its conversation and for the visitor of it, each with their token in the
 * {@code Authorization} header. Never a token in the URL: clients fetch the file and show it
 * from a {@code blob:} URL, so no link that grants access can leak through history, logs or a
 * Referer.
 */
@Path("/api/v1/attachments")
public class AttachmentResource {

    private final CurrentCaller current;
    private final AttachmentService attachments;

    AttachmentResource(CurrentCaller current, AttachmentService attachments) {
        this.current = current;
        this.attachments = attachments;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.VISITOR})
    public Uni<Response> download(@PathParam("id") String id) {
        return attachments.download(current.get(), Uploads.uuid(id)).map(d -> {
            Response.ResponseBuilder r = Response.ok(d.bytes());
            for (Map.Entry<String, String> h : DownloadHeaders.of(d.attachment().contentType(), d.attachment().name()).entrySet()) {
                r.header(h.getKey(), h.getValue());
            }
            return r.build();
        });
    }
}
