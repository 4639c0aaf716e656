package io.switchboard.admin;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Tenant settings and the channels' queue settings. */
@ApplicationScoped
public class SettingsRepository implements PanacheRepositoryBase<TenantSettings, UUID> {

    /** The tenant's settings, or the defaults (not yet stored) when it never saved any. */
    public Uni<TenantSettings> ofTenant(UUID tenantId) {
        return findById(tenantId).map(s -> s != null ? s : TenantSettings.defaults(tenantId));
    }

    public Uni<List<ChannelSettings>> channels(UUID tenantId) {
        return ChannelSettings.<ChannelSettings>list("tenantId = ?1 order by name, id", tenantId);
    }
}
