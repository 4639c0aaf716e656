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
import jakarta.ws.rs.QueryParam;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/** The signed-in staff member and, for agents, their own status and capacity. */
@Path("/api/v1")
public class AgentResource {

    public record StatusRequest(String status) {}

    public record CapacityRequest(Integer maxConcurrent) {}

    /** The console header (C11): own load against the limit, the queue, conversations received today. */
    public record Figures(String status, int load, int maxConcurrent, long queueLength, long receivedToday, Instant since) {}

    private final CurrentCaller current;
    private final AgentService agents;
    private final io.vertx.mutiny.sqlclient.Pool pool;
    private final AgentFigures figures;

    AgentResource(CurrentCaller current, AgentService agents, io.vertx.mutiny.sqlclient.Pool pool, AgentFigures figures) {
        this.current = current;
        this.agents = agents;
        this.pool = pool;
        this.figures = figures;
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

    /**
     * "Today" starts at midnight in the caller's time zone ({@code tz}, an IANA name such as
     * Asia/Shanghai, as the browser reports it); UTC when absent.
     */
    @GET
    @Path("/agents/me/figures")
    @RolesAllowed(Roles.AGENT)
    public Uni<Figures> figures(@QueryParam("tz") String tz) {
        Caller caller = current.staff();
        Instant since = startOfToday(tz);
        return agents.state(caller).flatMap(s -> figures.counts(caller.tenantId(), caller.id(), since)
                .map(c -> new Figures(s.status(), s.load(), s.maxConcurrent(), c.queueLength(), c.receivedToday(), since)));
    }

    static Instant startOfToday(String tz) {
        ZoneId zone = ZoneOffset.UTC;
        if (tz != null && !tz.isBlank()) {
            try {
                zone = ZoneId.of(tz);
            } catch (DateTimeException e) {
                throw Problem.invalid("tz", "not a known time zone");
            }
        }
        return LocalDate.now(zone).atStartOfDay(zone).toInstant();
    }
}
