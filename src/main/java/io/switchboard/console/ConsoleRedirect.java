package io.switchboard.console;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/**
 * The console is the static page {@code /console/}, whose relative links need the
 * trailing slash; {@code /console}, what people type, is sent there for good.
 */
@Path("/console")
public class ConsoleRedirect {

    @GET
    @PermitAll
    public Response console() {
        return Response.status(Response.Status.MOVED_PERMANENTLY).location(URI.create("/console/")).build();
    }
}
