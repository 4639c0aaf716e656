package io.switchboard.admin;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.switchboard.agent.AgentDirectory;
import io.switchboard.agent.AgentService;
import io.switchboard.agent.LiveAgentState;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.conversation.QueueDispatcher;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.security.Caller;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import io.switchboard.security.SessionEpoch;
import io.switchboard.security.SessionEpochs;
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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Agents of the caller's tenant (A3): created, changed and removed by admins, listed with
 * their groups, how they were added, live status and load for admins and supervisors.
 */
@Path("/api/v1/admin/agents")
@Tag(name = "Admin: agents")
public class AdminAgentResource {

    /** @param channelIds channels the agent serves; none means every channel of their groups */
    public record CreateAgent(String email, String name, String password, List<String> roles, List<String> groupIds,
                              Integer maxConcurrent, Map<String, Integer> skills, List<String> channelIds) {}

    /**
     * Fields left out (null) stay as they are; {@code groupIds} replaces the agent's groups and
     * {@code channelIds} their channels (an empty list: every channel again). A new
     * {@code password} or different {@code roles} end every session the agent has.
     */
    public record UpdateAgent(String name, List<String> groupIds, Integer maxConcurrent, Map<String, Integer> skills,
                              List<String> channelIds, String password, List<String> roles) {}

    public record AgentView(String id, String email, String name, List<String> roles, List<AgentDirectory.GroupRef> groups,
                            List<AgentDirectory.ChannelRef> channels, int maxConcurrent, Map<String, Integer> skills, String addedVia, String status, int load,
                            String warning) {}

    static final int MIN_PASSWORD = 8;
    /** bcrypt reads no further than 72 bytes. */
    static final int MAX_PASSWORD = 72;
    static final int MAX_NAME = 100;
    static final int MAX_SKILL_LEVEL = 10;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Set<String> STAFF_ROLES = Set.of(Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT);

    private final CurrentCaller current;
    private final AgentDirectory directory;
    private final LiveAgents live;
    private final LiveAgentState liveState;
    private final QueueDispatcher dispatcher;
    private final SessionEpochs sessions;

    AdminAgentResource(CurrentCaller current, AgentDirectory directory, LiveAgents live, LiveAgentState liveState,
                       QueueDispatcher dispatcher, SessionEpochs sessions) {
        this.sessions = sessions;
        this.current = current;
        this.directory = directory;
        this.live = live;
        this.liveState = liveState;
        this.dispatcher = dispatcher;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @Operation(summary = "Agents with their groups, how they were added, live status and load")
    public Uni<List<AgentView>> list() {
        Caller caller = current.staff();
        return directory.list(caller.tenantId()).flatMap(agents -> withLive(caller.tenantId(), agents));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @Operation(summary = "One agent")
    public Uni<AgentView> get(@PathParam("id") String id) {
        Caller caller = current.staff();
        return view(caller.tenantId(), uuid(id));
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create an agent account; the agent starts online")
    public Uni<Response> create(CreateAgent body) {
        Caller caller = current.staff();
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        String email = body.email() == null ? "" : body.email().trim();
        if (!EMAIL.matcher(email).matches() || email.length() > 254) {
            errors.add("email", "must be an email address");
        }
        if (body.name() == null || body.name().isBlank() || body.name().length() > MAX_NAME) {
            errors.add("name", "required, at most " + MAX_NAME + " characters");
        }
        checkPassword(body.password(), true, errors);
        List<String> roles = body.roles() == null || body.roles().isEmpty() ? List.of(Roles.AGENT)
                : List.copyOf(new LinkedHashSet<>(body.roles()));
        checkRoles(roles, errors);
        checkCapacity(body.maxConcurrent(), errors);
        checkSkills(body.skills(), errors);
        List<UUID> groups = ids(body.groupIds(), "groupIds", "group", errors);
        List<UUID> channels = ids(body.channelIds(), "channelIds", "channel", errors);
        errors.throwIfAny();
        return checkGroupsExist(caller.tenantId(), groups)
                .flatMap(v -> checkChannelsExist(caller.tenantId(), channels))
                .flatMap(v -> directory.emailTaken(email))
                .flatMap(taken -> {
                    if (taken) {
                        throw Problem.invalid("email", "already in use");
                    }
                    // bcrypt is deliberately slow: keep it off the event loop.
                    return Uni.createFrom().item(() -> BcryptUtil.bcryptHash(body.password()))
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                })
                .flatMap(hash -> directory.create(caller.tenantId(), email, body.name().trim(), hash, roles,
                        body.maxConcurrent(), body.skills() == null ? Map.of() : body.skills(),
                        groups.stream().map(UUID::toString).toList(), channels.stream().map(UUID::toString).toList()))
                .call(id -> liveState.seed(directory.pool(), caller.tenantId(), id))
                // Online from the start (B3): whoever already waits in their groups is served now.
                .invoke(id -> dispatcher.dispatchForAgent(caller.tenantId(), id).subscribe().with(x -> { }, e -> { }))
                .flatMap(id -> view(caller.tenantId(), UUID.fromString(id)))
                .map(v -> Response.status(201).entity(v).build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change an agent's name, groups, limit, skills, password or roles; a limit below the load is kept with a warning; "
            + "a new password or other roles end the agent's sessions on every replica")
    public Uni<AgentView> update(@PathParam("id") String id, UpdateAgent body) {
        Caller caller = current.staff();
        UUID agentId = uuid(id);
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        if (body.name() != null && (body.name().isBlank() || body.name().length() > MAX_NAME)) {
            errors.add("name", "at most " + MAX_NAME + " characters, not blank");
        }
        checkCapacity(body.maxConcurrent(), errors);
        checkSkills(body.skills(), errors);
        List<UUID> groups = body.groupIds() == null ? null : ids(body.groupIds(), "groupIds", "group", errors);
        List<UUID> channels = body.channelIds() == null ? null : ids(body.channelIds(), "channelIds", "channel", errors);
        checkPassword(body.password(), body.password() != null, errors);
        List<String> roles = body.roles() == null ? null : List.copyOf(new LinkedHashSet<>(body.roles()));
        if (roles != null) {
            checkRoles(roles, errors);
            if (agentId.toString().equals(caller.id()) && !roles.contains(Roles.ADMIN)) {
                // Nobody could give it back if this were the tenant's last admin.
                errors.add("roles", "an admin cannot take the admin role from themselves");
            }
        }
        errors.throwIfAny();
        String tenantId = caller.tenantId();
        return checkGroupsExist(tenantId, groups == null ? List.of() : groups)
                .flatMap(v -> checkChannelsExist(tenantId, channels == null ? List.of() : channels))
                .flatMap(v -> hash(body.password()))
                .flatMap(hash -> directory.update(tenantId, agentId.toString(), body.name() == null ? null : body.name().trim(),
                        body.maxConcurrent(), body.skills(), groups == null ? null : groups.stream().map(UUID::toString).toList(),
                        channels == null ? null : channels.stream().map(UUID::toString).toList(), hash, roles))
                .call(updated -> updated.sessionEpoch() == null ? Uni.createFrom().voidItem()
                        : sessions.changed(tenantId, agentId.toString(), SessionEpoch.of(updated.sessionEpoch())))
                .flatMap(updated -> {
                    if (!updated.found()) {
                        throw Problem.notFound("agent");
                    }
                    if (body.maxConcurrent() == null) {
                        return Uni.createFrom().voidItem();
                    }
                    return liveState.changeMax(directory.pool(), tenantId, agentId.toString(), body.maxConcurrent());
                })
                // New groups or more room: the agent may serve someone waiting at once.
                .invoke(() -> dispatcher.dispatchForAgent(tenantId, agentId.toString()).subscribe().with(x -> { }, e -> { }))
                .flatMap(v -> view(tenantId, agentId));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Remove an agent: the account is disabled, their sessions end at once and their open conversations go back to the queue")
    public Uni<Response> remove(@PathParam("id") String id) {
        Caller caller = current.staff();
        UUID agentId = uuid(id);
        String tenantId = caller.tenantId();
        return directory.remove(tenantId, agentId.toString(), caller.id()).flatMap(result -> {
            if (result.isEmpty()) {
                throw Problem.notFound("agent");
            }
            Set<String> groups = new HashSet<>();
            result.get().forEach(r -> groups.add(r.groupId()));
            // Their tokens answer 401 and their sockets close on every replica from now on.
            return sessions.changed(tenantId, agentId.toString(), SessionEpoch.REMOVED)
                    .flatMap(v -> live.forget(tenantId, agentId.toString())).invoke(() -> {
                // Each dispatch ends by telling the group's waiting visitors their places.
                for (String g : groups) {
                    dispatcher.dispatch(tenantId, g).subscribe().with(x -> { }, e -> { });
                }
            });
        }).map(v -> Response.noContent().build());
    }

    // ---------------------------------------------------------------- helpers

    private Uni<AgentView> view(String tenantId, UUID agentId) {
        return directory.find(tenantId, agentId.toString()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(Problem.notFound("agent"));
            }
            return withLive(tenantId, List.of(found.get())).map(l -> l.get(0));
        });
    }

    private Uni<List<AgentView>> withLive(String tenantId, List<AgentDirectory.Listed> agents) {
        return live.snapshot(tenantId, agents.stream().map(AgentDirectory.Listed::id).toList()).map(states -> {
            List<AgentView> out = new ArrayList<>(agents.size());
            for (int i = 0; i < agents.size(); i++) {
                AgentDirectory.Listed a = agents.get(i);
                LiveAgents.LiveState s = states.get(i);
                // Without a live hash (Redis lost it), show the stored status and no load rather than guess.
                String status = s.present() ? s.status().wire() : a.storedStatus();
                int load = s.present() ? s.load() : 0;
                out.add(new AgentView(a.id(), a.email(), a.name(), a.roles(), a.groups(), a.channels(), a.maxConcurrent(), a.skills(),
                        a.addedVia(), status, load, AgentService.warning(a.maxConcurrent(), load)));
            }
            return out;
        });
    }

    private Uni<Void> checkGroupsExist(String tenantId, List<UUID> groups) {
        if (groups.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return directory.countGroups(tenantId, groups).map(n -> {
            if (n != groups.size()) {
                throw Problem.invalid("groupIds", "unknown group");
            }
            return null;
        });
    }

    private Uni<Void> checkChannelsExist(String tenantId, List<UUID> channels) {
        if (channels.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return directory.countChannels(tenantId, channels).map(n -> {
            if (n != channels.size()) {
                throw Problem.invalid("channelIds", "unknown channel");
            }
            return null;
        });
    }

    static void checkPassword(String password, boolean required, FieldErrors errors) {
        if ((required && password == null)
                || (password != null && (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD))) {
            errors.add("password", "between " + MIN_PASSWORD + " and " + MAX_PASSWORD + " characters");
        }
    }

    private static void checkRoles(List<String> roles, FieldErrors errors) {
        if (!STAFF_ROLES.containsAll(roles) || !roles.contains(Roles.AGENT)) {
            errors.add("roles", "must include agent; may add admin and supervisor");
        }
    }

    /** The bcrypt hash of a new password, off the event loop (bcrypt is slow on purpose); null for none. */
    private static Uni<String> hash(String password) {
        if (password == null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static void checkCapacity(Integer max, FieldErrors errors) {
        if (max != null && (max < AgentService.MIN_CAPACITY || max > AgentService.MAX_CAPACITY)) {
            errors.add("maxConcurrent", "must be between " + AgentService.MIN_CAPACITY + " and " + AgentService.MAX_CAPACITY);
        }
    }

    private static void checkSkills(Map<String, Integer> skills, FieldErrors errors) {
        if (skills == null) {
            return;
        }
        skills.forEach((name, level) -> {
            if (name == null || name.isBlank() || name.length() > 50) {
                errors.add("skills", "skill names are 1 to 50 characters");
            } else if (level == null || level < 1 || level > MAX_SKILL_LEVEL) {
                errors.add("skills." + name, "level must be between 1 and " + MAX_SKILL_LEVEL);
            }
        });
    }

    private static List<UUID> ids(List<String> ids, String field, String what, FieldErrors errors) {
        List<UUID> out = new ArrayList<>();
        if (ids == null) {
            return out;
        }
        for (String g : new LinkedHashSet<>(ids)) {
            try {
                out.add(UUID.fromString(g));
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add(field, "'" + g + "' is not a " + what + " id");
            }
        }
        return out;
    }

    /** A malformed id cannot name anything of the tenant: 404, like another tenant's id. */
    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("resource");
        }
    }
}
