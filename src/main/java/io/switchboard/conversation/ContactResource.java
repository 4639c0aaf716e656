package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** The people a staff member served (C3). */
@Path("/api/v1/contacts")
public class ContactResource {

    private final CurrentCaller current;
    private final RecentContacts recent;

    ContactResource(CurrentCaller current, RecentContacts recent) {
        this.current = current;
        this.recent = recent;
    }

    @GET
    @Path("/recent")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Visitors and customers the caller served in the last 1 to 180 days, most recent first")
    public Uni<List<RecentContacts.Contact>> recent(@QueryParam("days") @DefaultValue("180") int days) {
        if (days < 1 || days > RecentContacts.MAX_DAYS) {
            throw Problem.invalid("days", "must be between 1 and " + RecentContacts.MAX_DAYS);
        }
        return recent.of(current.staff(), days);
    }
}
