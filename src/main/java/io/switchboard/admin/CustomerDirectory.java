package io.switchboard.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL for what the tenant's CRM keeps in step with us: customer accounts and their owners,
 * contacts (identified customers) with their owner, account and tier. The owner strategies
 * of routing read the owners (B1); the console's customer panel shows them (C10).
 */
@ApplicationScoped
public class CustomerDirectory {

    public record Account(String id, String externalId, String name, String ownerId) {}

    /** {@code attributes}: the customer record's attributes (tier included), as the tenant's backend set them. */
    public record Contact(String id, String externalId, String name, String email, String tier, String ownerId,
                          Account account, Map<String, Object> attributes) {}

    private static final String CONTACT_SQL = """
            select cu.id, cu.external_id, cu.name, cu.email, cu.attributes->>'tier' as tier, cu.owner_id, cu.attributes,
                   ac.id as account_id, ac.external_id as account_external_id, ac.name as account_name,
                   ac.owner_id as account_owner_id
            from customers cu left join customer_accounts ac on ac.id = cu.account_id
            where cu.tenant_id = $1 and cu.external_id = $2""";

    private final Pool pool;

    CustomerDirectory(Pool pool) {
        this.pool = pool;
    }

    /** Is the id an agent of the tenant who has not been removed? */
    public Uni<Boolean> isAgent(String tenantId, UUID agentId) {
        return pool.preparedQuery("select 1 from agents where user_id = $1 and tenant_id = $2 and removed_at is null")
                .execute(Tuple.of(agentId, UUID.fromString(tenantId))).map(rows -> rows.size() == 1);
    }

    public Uni<Optional<Account>> account(String tenantId, String externalId) {
        return pool.preparedQuery("""
                        select id, external_id, name, owner_id from customer_accounts where tenant_id = $1 and external_id = $2""")
                .execute(Tuple.of(UUID.fromString(tenantId), externalId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(account(rows.iterator().next())) : Optional.empty());
    }

    /** Creates or replaces the account's name and owner. */
    public Uni<Account> putAccount(String tenantId, String externalId, String name, UUID ownerId) {
        return pool.preparedQuery("""
                        insert into customer_accounts (id, tenant_id, external_id, name, owner_id) values ($1, $2, $3, $4, $5)
                        on conflict (tenant_id, external_id) do update set name = excluded.name, owner_id = excluded.owner_id,
                          updated_at = now()
                        returning id, external_id, name, owner_id""")
                .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), UUID.fromString(tenantId), externalId, name, ownerId)))
                .map(rows -> account(rows.iterator().next()));
    }

    public Uni<Optional<Contact>> contact(String tenantId, String externalId) {
        return pool.preparedQuery(CONTACT_SQL).execute(Tuple.of(UUID.fromString(tenantId), externalId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(contact(rows.iterator().next())) : Optional.empty());
    }

    /**
     * Creates the contact when the CRM knows it before it ever chats, or updates it: name,
     * email and tier only when given (the widget's signed identity fills name and email too);
     * owner and account always, null clearing them. {@code attributes} are merged into the
     * record's, an attribute given as null removed; routing's customer side reads them. This and
     * {@link #putContact}'s tier are the only writers of a customer's attributes: a web page's
     * attributes are claims, kept on its visitor.
     */
    public Uni<Contact> putContact(String tenantId, String externalId, String name, String email, String tier,
                                   UUID ownerId, UUID accountId, JsonObject given) {
        JsonObject attributes = given == null ? new JsonObject() : given.copy();
        if (tier != null) {
            attributes.put("tier", tier);
        }
        return pool.preparedQuery("""
                        insert into customers (id, tenant_id, external_id, name, email, attributes, owner_id, account_id)
                        values ($1, $2, $3, $4, $5, jsonb_strip_nulls($6), $7, $8)
                        on conflict (tenant_id, external_id) do update set
                          name = coalesce(excluded.name, customers.name),
                          email = coalesce(excluded.email, customers.email),
                          -- excluded.attributes has lost its nulls already: merge, then drop what $6 set to null.
                          attributes = (customers.attributes || excluded.attributes)
                            - (select coalesce(array_agg(key), '{}') from jsonb_each($6) where value = 'null'::jsonb),
                          owner_id = excluded.owner_id, account_id = excluded.account_id, updated_at = now()""")
                .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), UUID.fromString(tenantId), externalId, name, email,
                        attributes, ownerId, accountId)))
                .flatMap(r -> contact(tenantId, externalId)).map(Optional::orElseThrow);
    }

    private static Account account(Row r) {
        return new Account(r.getUUID("id").toString(), r.getString("external_id"), r.getString("name"), str(r.getUUID("owner_id")));
    }

    private static Contact contact(Row r) {
        Account account = r.getUUID("account_id") == null ? null
                : new Account(r.getUUID("account_id").toString(), r.getString("account_external_id"), r.getString("account_name"),
                str(r.getUUID("account_owner_id")));
        Object attributes = r.getValue("attributes");
        return new Contact(r.getUUID("id").toString(), r.getString("external_id"), r.getString("name"), r.getString("email"),
                r.getString("tier"), str(r.getUUID("owner_id")), account,
                attributes instanceof JsonObject o ? o.getMap() : new JsonObject(String.valueOf(attributes)).getMap());
    }

    private static String str(UUID u) {
        return u == null ? null : u.toString();
    }
}
