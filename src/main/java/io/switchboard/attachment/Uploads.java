package io.switchboard.attachment;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.protocol.ServerFrames.AttachmentView;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.UUID;

/**
 * Uploads (docs/protocol.md, "Attachments"): a multipart field {@code file}, answered with
 * {@code {id, name, size, contentType, url}}; a {@code message} frame then carries the id.
 * Two resources, so each path is matched by its own class, ahead of the conversation and
 * widget resources whose paths are shorter.
 */
public final class Uploads {

    private Uploads() {}

    /** An id that is no UUID can name nothing: 404, as for one that does not exist. */
    static String uuid(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw Problem.notFound("attachment");
        }
    }

    /** {@code POST /api/v1/conversations/{id}/attachments}: staff who may see the conversation, while it is live. */
    @Path("/api/v1/conversations/{id}/attachments")
    public static class ByStaff {

        private final CurrentCaller current;
        private final AttachmentService attachments;

        ByStaff(CurrentCaller current, AttachmentService attachments) {
            this.current = current;
            this.attachments = attachments;
        }

        @POST
        @Consumes(MediaType.MULTIPART_FORM_DATA)
        @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
        public Uni<AttachmentView> upload(@PathParam("id") String id, @RestForm("file") FileUpload file) {
            String conversationId;
            try {
                conversationId = UUID.fromString(id).toString();
            } catch (IllegalArgumentException e) {
                throw Problem.notFound("conversation");
            }
            return attachments.uploadByStaff(current.staff(), conversationId, file);
        }
    }

    /** {@code POST /api/v1/widget/attachments}: a visitor, with {@code Authorization: Bearer <visitorToken>}. */
    @Path("/api/v1/widget/attachments")
    public static class ByVisitor {

        private final CurrentCaller current;
        private final AttachmentService attachments;

        ByVisitor(CurrentCaller current, AttachmentService attachments) {
            this.current = current;
            this.attachments = attachments;
        }

        @POST
        @Consumes(MediaType.MULTIPART_FORM_DATA)
        @RolesAllowed(Roles.VISITOR)
        public Uni<AttachmentView> upload(@RestForm("file") FileUpload file) {
            return attachments.uploadByVisitor(current.get(), file);
        }
    }
}
