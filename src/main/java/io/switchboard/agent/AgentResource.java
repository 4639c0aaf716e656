package io.switchboard.agent;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/** The signed-in staff member and, for agents, their own status and capacity. */
@Path("/api/v1")
public class AgentResource {

    public record StatusRequest(String status) {}

    public record CapacityRequest(Integer maxConcurrent) {}

    private final CurrentCaller current;
    private final AgentService agents;
    private final io.vertx.mutiny.sqlclient.Pool pool;

    AgentResource(CurrentCaller current, AgentService agents, io.vertx.mutiny.sqlclient.Pool pool) {
        this.current = current;
        this.agents = agents;
        this.pool = pool;
    }

    @GET
    @Path("/me")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    public Uni<Map<String, Object>> me() {
        Caller caller = current.staff();
        return pool.preparedQuery("select id, tenant_id, name, email, roles from staff_users where id = $1 and tenant_id = $2")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(java.util.UUID.fromString(caller.id()), java.util.UUID.fromString(caller.tenantId())))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw Problem.notFound("user");
                    }
                    var r = rows.iterator().next();
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", r.getUUID("id").toString());
                    body.put("tenantId", r.getUUID("tenant_id").toString());
                    body.put("name", r.getString("name"));
                    body.put("email", r.getString("email"));
                    body.put("roles", List.of(r.getArrayOfStrings("roles")));
                    if (!caller.isAgent()) {
                        return Uni.createFrom().item(body);
                    }
                    return agents.state(caller).map(s -> {
                        body.put("status", s.status());
                        body.put("maxConcurrent", s.maxConcurrent());
                        body.put("load", s.load());
                        return body;
                    });
                });
    }

    @PUT
    @Path("/agents/me/status")
    @RolesAllowed(Roles.AGENT)
    public Uni<AgentService.AgentState> status(StatusRequest request) {
        if (request == null) {
            throw Problem.invalid("status", "required");
        }
        return agents.setStatus(current.staff(), request.status());
    }

    @PUT
    @Path("/agents/me/capacity")
    @RolesAllowed(Roles.AGENT)
    public Uni<AgentService.AgentState> capacity(CapacityRequest request) {
        if (request == null) {
            throw Problem.invalid("maxConcurrent", "required");
        }
        return agents.setCapacity(current.staff(), request.maxConcurrent());
    }
}
