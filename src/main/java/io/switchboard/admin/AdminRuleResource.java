package io.switchboard.admin;

import io.switchboard.routing.ConditionSpec;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.GroupRepository;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.routing.StrategyRegistry;
import io.switchboard.routing.setup.RoutingSetups;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Routing rules (A6): ordered conditions on the visitor's facts pointing at ordered groups,
 * a strategy, an out-of-hours text and the "prefer the last agent" switch. A rule is
 * compiled into the engine's pure form when saved, so a rule that is stored always routes.
 * Every replica routes with the change from the next conversation on: each write tells
 * {@link RoutingSetups} once it has committed.
 */
@Path("/api/v1/admin/rules")
@Tag(name = "Admin: routing rules")
public class AdminRuleResource {

    /**
     * @param position   rules are tried lowest first; equal positions by id
     * @param conditions all must hold; none makes a catch-all
     * @param strategy   one of least-load, round-robin, fewest-today, customer-owner, contact-owner,
     *                   last-agent, skill-weighted
     */
    public record RuleBody(String name, Integer position, Boolean enabled, List<ConditionSpec> conditions,
                           List<String> groupIds, String strategy, String fallbackStrategy, Boolean preferLastAgent,
                           String outOfHoursText, List<String> requiredSkills) {}

    public record RuleView(String id, String name, int position, boolean enabled, List<ConditionSpec> conditions,
                           List<String> groupIds, String strategy, String fallbackStrategy, boolean preferLastAgent,
                           String outOfHoursText, List<String> requiredSkills) {}

    static final int MAX_CONDITIONS = 20;

    private final CurrentCaller current;
    private final RuleRepository rules;
    private final GroupRepository groups;
    private final SettingsRepository settings;
    private final RoutingSetups setups;

    AdminRuleResource(CurrentCaller current, RuleRepository rules, GroupRepository groups, SettingsRepository settings,
                      RoutingSetups setups) {
        this.setups = setups;
        this.current = current;
        this.rules = rules;
        this.groups = groups;
        this.settings = settings;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @WithSession
    @Operation(summary = "The tenant's rules in the order they are tried")
    public Uni<List<RuleView>> list() {
        UUID tenant = tenant();
        return rules.listInTenant(tenant).map(l -> l.stream().map(AdminRuleResource::view).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @WithSession
    public Uni<RuleView> get(@PathParam("id") String id) {
        return found(tenant(), id).map(AdminRuleResource::view);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Add a rule; refused with field errors when it would not compile")
    public Uni<Response> create(RuleBody body) {
        UUID tenant = tenant();
        StoredRule r = new StoredRule();
        r.id = UUID.randomUUID();
        r.tenantId = tenant;
        return Panache.withTransaction(() -> apply(tenant, r, body, true).flatMap(v -> rules.persist(r)))
                .call(saved -> setups.changed(tenant.toString()))
                .map(saved -> Response.status(201).entity(view(saved)).build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a rule; fields left out stay as they are")
    public Uni<RuleView> update(@PathParam("id") String id, RuleBody body) {
        UUID tenant = tenant();
        return Panache.withTransaction(() -> found(tenant, id).flatMap(r -> apply(tenant, r, body, false).map(v -> view(r))))
                .call(saved -> setups.changed(tenant.toString()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("id") String id) {
        UUID tenant = tenant();
        return Panache.withTransaction(() -> found(tenant, id).flatMap(rules::delete))
                .call(v -> setups.changed(tenant.toString()))
                .map(v -> Response.noContent().build());
    }

    private UUID tenant() {
        return UUID.fromString(current.staff().tenantId());
    }

    private Uni<StoredRule> found(UUID tenant, String id) {
        return rules.findInTenant(tenant, AdminAgentResource.uuid(id)).map(r -> {
            if (r == null) {
                throw Problem.notFound("rule");
            }
            return r;
        });
    }

    /**
     * Checks the body against the tenant's groups and channels and compiles it, then copies it
     * onto the entity; nothing changes when anything is wrong.
     */
    private Uni<Void> apply(UUID tenant, StoredRule r, RuleBody body, boolean creating) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        StoredRule next = new StoredRule();
        next.id = r.id;
        next.name = body.name() != null ? body.name().trim() : r.name;
        next.position = body.position() != null ? body.position() : r.position;
        next.enabled = body.enabled() != null ? body.enabled() : creating || r.enabled;
        next.spec.conditions = body.conditions() != null ? new ArrayList<>(body.conditions()) : r.spec.conditions;
        next.spec.groupIds = body.groupIds() != null ? new ArrayList<>(body.groupIds()) : r.spec.groupIds;
        next.strategy = body.strategy() != null ? body.strategy() : creating ? StrategyRegistry.DEFAULT_FALLBACK : r.strategy;
        next.fallbackStrategy = body.fallbackStrategy() != null ? body.fallbackStrategy() : r.fallbackStrategy;
        next.preferLastAgent = body.preferLastAgent() != null ? body.preferLastAgent() : r.preferLastAgent;
        next.outOfHoursText = body.outOfHoursText() != null ? body.outOfHoursText() : r.outOfHoursText;
        next.spec.requiredSkills = body.requiredSkills() != null ? new ArrayList<>(body.requiredSkills()) : r.spec.requiredSkills;

        FieldErrors errors = new FieldErrors();
        if (next.name == null || next.name.isEmpty() || next.name.length() > 100) {
            errors.add("name", "required, at most 100 characters");
        }
        if (next.spec.conditions != null && next.spec.conditions.size() > MAX_CONDITIONS) {
            errors.add("conditions", "at most " + MAX_CONDITIONS);
        }
        if (next.outOfHoursText != null && next.outOfHoursText.length() > 1000) {
            errors.add("outOfHoursText", "at most 1000 characters");
        }
        List<UUID> groupIds = new ArrayList<>();
        for (String g : next.spec.groupIds == null ? List.<String>of() : next.spec.groupIds) {
            try {
                groupIds.add(UUID.fromString(g));
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add("groupIds", "'" + g + "' is not a group id");
            }
        }
        RuleCompiler.compile(next, errors);
        errors.throwIfAny();
        return groups.countInTenant(tenant, groupIds)
                .flatMap(n -> {
                    if (n != Set.copyOf(groupIds).size()) {
                        throw Problem.invalid("groupIds", "unknown group");
                    }
                    return settings.channels(tenant);
                })
                .map(channels -> {
                    Set<String> known = new java.util.HashSet<>();
                    channels.forEach(c -> known.add(c.id.toString()));
                    FieldErrors unknown = new FieldErrors();
                    for (int i = 0; i < next.spec.conditions.size(); i++) {
                        ConditionSpec c = next.spec.conditions.get(i);
                        if ("channel".equals(c.type()) && !known.containsAll(c.values())) {
                            unknown.add("conditions[" + i + "].values", "unknown channel");
                        }
                    }
                    unknown.throwIfAny();
                    r.name = next.name;
                    r.position = next.position;
                    r.enabled = next.enabled;
                    r.spec = next.spec;
                    r.strategy = next.strategy;
                    r.fallbackStrategy = next.fallbackStrategy;
                    r.preferLastAgent = next.preferLastAgent;
                    r.outOfHoursText = next.outOfHoursText;
                    return null;
                });
    }

    static RuleView view(StoredRule r) {
        return new RuleView(r.id.toString(), r.name, r.position, r.enabled, r.spec.conditions, r.spec.groupIds, r.strategy,
                r.fallbackStrategy, r.preferLastAgent, r.outOfHoursText, r.spec.requiredSkills);
    }
}
