package io.switchboard.agent;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Groups of one tenant; another tenant's id reads as absent (DESIGN rule 5). */
@ApplicationScoped
public class GroupRepository implements PanacheRepositoryBase<AgentGroup, UUID> {

    public Uni<AgentGroup> findInTenant(UUID tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    public Uni<List<AgentGroup>> listInTenant(UUID tenantId) {
        return list("tenantId = ?1 order by name", tenantId);
    }

    public Uni<Long> countInTenant(UUID tenantId, List<UUID> ids) {
        return count("tenantId = ?1 and id in ?2", tenantId, ids);
    }
}
