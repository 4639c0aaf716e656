package io.switchboard.security;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;

/** Hands the console a one-time ticket for its socket, so its token stays out of URLs. */
@Path("/api/v1/auth/socket-ticket")
@Tag(name = "Auth")
public class SocketTicketResource {

    private final CurrentCaller current;
    private final JsonWebToken jwt;
    private final SocketTickets tickets;

    SocketTicketResource(CurrentCaller current, JsonWebToken jwt, SocketTickets tickets) {
        this.current = current;
        this.jwt = jwt;
        this.tickets = tickets;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "A ticket that opens one staff socket as /ws/agent?ticket=... within 30 s, once")
    public Uni<SocketTickets.Issued> issue() {
        Caller caller = current.staff();
        // The request's token passed SessionCheck: its epoch is the user's current one.
        return tickets.issue(new TokenService.StaffSession(caller, TokenService.epochOf(jwt),
                Instant.ofEpochSecond(jwt.getExpirationTime())));
    }
}
