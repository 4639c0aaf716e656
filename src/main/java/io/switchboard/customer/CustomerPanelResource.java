package io.switchboard.customer;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.UUID;

/** The customer panel of a conversation (C10). */
@Path("/api/v1/conversations/{id}/customer")
public class CustomerPanelResource {

    private final CurrentCaller current;
    private final CustomerPanel panel;

    CustomerPanelResource(CurrentCaller current, CustomerPanel panel) {
        this.current = current;
        this.panel = panel;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Who the conversation's visitor is: claims, CRM profile, past conversations, pages, source")
    public Uni<CustomerPanel.Panel> get(@PathParam("id") String id) {
        String conversationId;
        try {
            conversationId = UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("conversation");
        }
        if (!conversationId.equalsIgnoreCase(id)) {
            throw Problem.notFound("conversation");
        }
        return panel.of(current.staff(), conversationId);
    }
}
