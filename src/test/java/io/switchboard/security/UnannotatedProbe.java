package io.switchboard.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Test-only: an endpoint that states no role, as one added carelessly would be. The service
 * must refuse it to everyone ({@link DenyUnannotatedTest}).
 */
@Path("/api/v1/test-only/unannotated")
public class UnannotatedProbe {

    @GET
    public String open() {
        return "reached";
    }
}
