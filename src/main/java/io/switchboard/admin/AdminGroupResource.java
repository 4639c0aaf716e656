package io.switchboard.admin;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentGroup;
import io.switchboard.agent.GroupHours;
import io.switchboard.agent.GroupRepository;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.routing.WorkingHours;
import io.switchboard.routing.setup.RoutingSetups;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Groups and their working hours (A4): weekly schedule, time zone, holidays. Routing on every
 * replica follows new hours from the next conversation on: each write tells
 * {@link RoutingSetups} once it has committed.
 */
@Path("/api/v1/admin/groups")
@Tag(name = "Admin: groups")
public class AdminGroupResource {

    /**
     * @param weeklyHours day (MONDAY..SUNDAY) to ranges "HH:mm-HH:mm"; a range ending at or before
     *                    its start runs past midnight
     * @param holidays    ISO dates in the group's time zone, closed all day
     * @param alwaysOpen  open around the clock, schedule and holidays ignored
     */
    public record GroupBody(String name, String timeZone, Boolean alwaysOpen, Map<String, List<String>> weeklyHours,
                            List<String> holidays) {}

    public record GroupView(String id, String name, String timeZone, boolean alwaysOpen,
                            Map<String, List<String>> weeklyHours, List<String> holidays, boolean openNow,
                            Instant nextOpening) {}

    private final CurrentCaller current;
    private final GroupRepository groups;
    private final RoutingSetups setups;

    AdminGroupResource(CurrentCaller current, GroupRepository groups, RoutingSetups setups) {
        this.setups = setups;
        this.current = current;
        this.groups = groups;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @WithSession
    @Operation(summary = "The tenant's groups with their hours and whether each is open now")
    public Uni<List<GroupView>> list() {
        UUID tenant = UUID.fromString(current.staff().tenantId());
        return groups.listInTenant(tenant).map(l -> l.stream().map(AdminGroupResource::view).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @WithSession
    public Uni<GroupView> get(@PathParam("id") String id) {
        UUID tenant = UUID.fromString(current.staff().tenantId());
        return groups.findInTenant(tenant, AdminAgentResource.uuid(id)).map(g -> {
            if (g == null) {
                throw Problem.notFound("group");
            }
            return view(g);
        });
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a group; without hours it is open around the clock")
    public Uni<Response> create(GroupBody body) {
        UUID tenant = UUID.fromString(current.staff().tenantId());
        AgentGroup g = new AgentGroup();
        g.id = UUID.randomUUID();
        g.tenantId = tenant;
        apply(g, body, true);
        return Panache.withTransaction(() -> nameFree(tenant, g.name, null).flatMap(v -> groups.persist(g)))
                .call(saved -> setups.changed(tenant.toString()))
                .map(saved -> Response.status(201).entity(view(saved)).build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a group's name or hours; fields left out stay as they are")
    public Uni<GroupView> update(@PathParam("id") String id, GroupBody body) {
        UUID tenant = UUID.fromString(current.staff().tenantId());
        UUID groupId = AdminAgentResource.uuid(id);
        return Panache.withTransaction(() -> groups.findInTenant(tenant, groupId).flatMap(g -> {
            if (g == null) {
                throw Problem.notFound("group");
            }
            apply(g, body, false);
            return nameFree(tenant, g.name, g.id).map(v -> view(g));
        })).call(saved -> setups.changed(tenant.toString()));
    }

    private Uni<Void> nameFree(UUID tenant, String name, UUID self) {
        return groups.count("tenantId = ?1 and name = ?2 and id <> ?3", tenant, name,
                        self == null ? new UUID(0, 0) : self)
                .map(n -> {
                    if (n > 0) {
                        throw Problem.invalid("name", "another group has this name");
                    }
                    return null;
                });
    }

    /** Validates everything first, then changes the entity: a refused request changes nothing. */
    private static void apply(AgentGroup g, GroupBody body, boolean creating) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        String name = body.name() != null ? body.name().trim() : creating ? null : g.name;
        if (name == null || name.isEmpty() || name.length() > 100) {
            errors.add("name", "required, at most 100 characters");
        }
        String zone = body.timeZone() != null ? body.timeZone() : g.timeZone;
        Map<String, List<String>> weekly = body.weeklyHours() != null ? body.weeklyHours() : g.hours.weekly;
        List<String> holidays = body.holidays() != null ? body.holidays() : g.hours.holidays;
        boolean alwaysOpen = body.alwaysOpen() != null ? body.alwaysOpen()
                // Giving a schedule to a group that was open around the clock means "follow it".
                : body.weeklyHours() != null ? false : g.alwaysOpen;
        GroupHours.compile(zone, alwaysOpen, weekly, holidays, errors);
        errors.throwIfAny();
        g.name = name;
        g.timeZone = zone;
        g.alwaysOpen = alwaysOpen;
        AgentGroup.Hours h = new AgentGroup.Hours();
        h.weekly = new java.util.LinkedHashMap<>(weekly);
        h.holidays = new java.util.ArrayList<>(holidays);
        g.hours = h;
    }

    static GroupView view(AgentGroup g) {
        WorkingHours hours = GroupHours.of(g);
        Instant now = Instant.now();
        return new GroupView(g.id.toString(), g.name, g.timeZone, g.alwaysOpen, g.hours.weekly, g.hours.holidays,
                hours.isOpen(now), hours.nextOpening(now).orElse(null));
    }
}
