package io.switchboard.admin;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** A tenant's routing rules, in the order they are tried. */
@ApplicationScoped
public class RuleRepository implements PanacheRepositoryBase<StoredRule, UUID> {

    public Uni<StoredRule> findInTenant(UUID tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    public Uni<List<StoredRule>> listInTenant(UUID tenantId) {
        return list("tenantId = ?1 order by position, id", tenantId);
    }
}
