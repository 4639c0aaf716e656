package io.switchboard.admin;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentService;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.routing.setup.RoutingSetups;
import io.switchboard.security.CurrentCaller;
import io.switchboard.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The tenant's routing settings (A2) and each channel's queue priority and order (B4). */
@Path("/api/v1/admin/settings")
@Tag(name = "Admin: settings")
public class AdminSettingsResource {

    static final int MAX_TIMER_MINUTES = 10080;

    /** @param queueOrder {@code fifo} or {@code lifo} */
    public record ChannelQueue(String id, String name, String kind, Integer priority, String queueOrder) {}

    /**
     * @param autoCloseMinutes    minutes of visitor silence before the conversation closes; null is off
     * @param autoReassignMinutes minutes without an agent reply before it is routed again; null is off
     * @param channels            for PUT: only the channels listed change, by id
     * @param surveyOnClose       send the visitor a satisfaction survey whenever staff close a conversation (C8);
     *                            for PUT, null keeps the current value
     * @param customerPanel       the fields the customer panel shows (A8), from
     *                            {@link io.switchboard.customer.PanelFields#ALL}; null (on GET) shows them all; for PUT,
     *                            null keeps the current choice and an empty list shows only who the visitor is
     */
    public record Settings(Integer defaultMaxConcurrent, Integer autoCloseMinutes, Integer autoReassignMinutes,
                           String outOfHoursText, List<ChannelQueue> channels, Boolean surveyOnClose,
                           List<String> customerPanel) {}

    private final CurrentCaller current;
    private final SettingsRepository settings;
    private final io.switchboard.conversation.TimerDeadlines timers;
    private final RoutingSetups setups;

    AdminSettingsResource(CurrentCaller current, SettingsRepository settings, io.switchboard.conversation.TimerDeadlines timers,
                          RoutingSetups setups) {
        this.setups = setups;
        this.timers = timers;
        this.current = current;
        this.settings = settings;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @WithSession
    @Operation(summary = "The tenant's settings with every channel's queue settings")
    public Uni<Settings> get() {
        UUID tenant = UUID.fromString(current.staff().tenantId());
        return read(tenant);
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Replace the tenant's settings; timers are off when their minutes are null")
    public Uni<Settings> put(Settings body) {
        UUID tenant = UUID.fromString(current.staff().tenantId());
        // The timers learn of the change once it is committed: told before, a read in between
        // would keep the old minutes (and start conversations without their deadlines).
        validate(body);
        // Routing likewise: the out-of-hours text is part of every replica's routing setup.
        return Panache.withTransaction(() -> store(tenant, body))
                .call(saved -> timers.settingsChanged(tenant.toString()))
                .call(saved -> setups.changed(tenant.toString()));
    }

    /** Checks what needs no database, before anything is opened. */
    private static void validate(Settings body) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        if (body.defaultMaxConcurrent() != null && (body.defaultMaxConcurrent() < AgentService.MIN_CAPACITY
                || body.defaultMaxConcurrent() > AgentService.MAX_CAPACITY)) {
            errors.add("defaultMaxConcurrent", "must be between 1 and 200");
        }
        minutes("autoCloseMinutes", body.autoCloseMinutes(), errors);
        minutes("autoReassignMinutes", body.autoReassignMinutes(), errors);
        if (body.outOfHoursText() != null && body.outOfHoursText().length() > 1000) {
            errors.add("outOfHoursText", "at most 1000 characters");
        }
        io.switchboard.customer.PanelFields.validate("customerPanel", body.customerPanel(), errors);
        List<ChannelQueue> channels = body.channels() == null ? List.of() : body.channels();
        for (int i = 0; i < channels.size(); i++) {
            ChannelQueue c = channels.get(i);
            String field = "channels[" + i + "]";
            if (c == null || c.id() == null) {
                errors.add(field + ".id", "required");
                continue;
            }
            if (c.priority() != null && (c.priority() < -100 || c.priority() > 100)) {
                errors.add(field + ".priority", "must be between -100 and 100");
            }
            if (c.queueOrder() != null && !List.of("fifo", "lifo").contains(c.queueOrder().toLowerCase(Locale.ROOT))) {
                errors.add(field + ".queueOrder", "must be fifo or lifo");
            }
        }
        errors.throwIfAny();
    }

    private Uni<Settings> store(UUID tenant, Settings body) {
        List<ChannelQueue> channels = body.channels() == null ? List.of() : body.channels();
        return settings.channels(tenant).flatMap(stored -> {
            Map<String, ChannelSettings> byId = new HashMap<>();
            stored.forEach(c -> byId.put(c.id.toString(), c));
            FieldErrors unknown = new FieldErrors();
            for (int i = 0; i < channels.size(); i++) {
                if (!byId.containsKey(channels.get(i).id())) {
                    unknown.add("channels[" + i + "].id", "unknown channel");
                }
            }
            unknown.throwIfAny();
            for (ChannelQueue c : channels) {
                ChannelSettings s = byId.get(c.id());
                if (c.priority() != null) {
                    s.priority = c.priority();
                }
                if (c.queueOrder() != null) {
                    s.queueOrder = c.queueOrder().toLowerCase(Locale.ROOT);
                }
            }
            return settings.findById(tenant);
        }).flatMap(found -> {
            TenantSettings s = found != null ? found : TenantSettings.defaults(tenant);
            if (body.defaultMaxConcurrent() != null) {
                s.defaultMaxConcurrent = body.defaultMaxConcurrent();
            }
            s.autoCloseMinutes = body.autoCloseMinutes();
            s.autoReassignMinutes = body.autoReassignMinutes();
            s.outOfHoursText = body.outOfHoursText();
            if (body.surveyOnClose() != null) {
                s.surveyOnClose = body.surveyOnClose();
            }
            if (body.customerPanel() != null) {
                s.customerPanel = String.join(",", body.customerPanel());
            }
            return found != null ? Uni.createFrom().item(s) : settings.persist(s);
        }).flatMap(saved -> settings.flush()).flatMap(v -> read(tenant));
    }

    private Uni<Settings> read(UUID tenant) {
        return settings.ofTenant(tenant).flatMap(s -> settings.channels(tenant).map(channels -> new Settings(
                s.defaultMaxConcurrent, s.autoCloseMinutes, s.autoReassignMinutes, s.outOfHoursText,
                channels.stream().map(c -> new ChannelQueue(c.id.toString(), c.name, c.kind, c.priority, c.queueOrder)).toList(),
                s.surveyOnClose, io.switchboard.customer.PanelFields.parse(s.customerPanel))));
    }

    private static void minutes(String field, Integer value, FieldErrors errors) {
        if (value != null && (value < 1 || value > MAX_TIMER_MINUTES)) {
            errors.add(field, "must be between 1 and " + MAX_TIMER_MINUTES + " minutes, or null for off");
        }
    }
}
