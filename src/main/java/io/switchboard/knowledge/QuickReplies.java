package io.switchboard.knowledge;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.search.SearchTokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Quick replies in PostgreSQL (A7, C9): the tenant's (owner null, admins write them) and each
 * staff member's own. Every statement names the tenant and the owner, so an id of another
 * tenant or of someone else's reply is simply not found. The search lexemes are written with
 * the reply, from {@link SearchTokens}.
 */
@ApplicationScoped
public class QuickReplies {

    /** A stored reply; {@code ownerId} null for the tenant's. */
    public record Stored(UUID id, UUID ownerId, String category, String title, String text, List<UUID> channelIds) {

        KnowledgeRules.Reply fields() {
            return new KnowledgeRules.Reply(category, title, text, channelIds);
        }
    }

    /** A reply found for a conversation, best first. */
    public record Found(Stored reply, boolean titleHit) {}

    private static final String COLUMNS = "id, owner_id, category, title, text, channel_ids";

    private final Pool pool;

    QuickReplies(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's replies ({@code owner} null) or one staff member's own, by category and title. */
    public Uni<List<Stored>> list(UUID tenant, UUID owner) {
        return pool.preparedQuery("select " + COLUMNS + " from quick_replies where tenant_id = $1 and owner_id is not distinct from $2"
                        + " order by category, title, id")
                .execute(Tuple.of(tenant, owner))
                .map(QuickReplies::all);
    }

    public Uni<Stored> get(UUID tenant, UUID owner, UUID id) {
        return pool.preparedQuery("select " + COLUMNS + " from quick_replies where id = $1 and tenant_id = $2 and owner_id is not distinct from $3")
                .execute(Tuple.of(id, tenant, owner))
                .map(QuickReplies::single);
    }

    /** Stores a new reply unless the owner (or the tenant) already keeps as many as allowed. */
    public Uni<Stored> create(UUID tenant, UUID owner, KnowledgeRules.Reply r) {
        int max = owner == null ? KnowledgeLimits.TENANT_REPLIES : KnowledgeLimits.PERSONAL_REPLIES;
        return pool.withTransaction(conn -> TenantChannels.check(conn, tenant, r.channelIds())
                .flatMap(v -> conn.preparedQuery("""
                                insert into quick_replies (id, tenant_id, owner_id, category, title, text, channel_ids, search, title_search)
                                select $1, $2, $3, $4, $5, $6, $7, array_to_tsvector($8::text[]), array_to_tsvector($9::text[])
                                where (select count(*) from quick_replies where tenant_id = $2 and owner_id is not distinct from $3) < $10
                                returning""" + " " + COLUMNS)
                        .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), tenant, owner, r.category(), r.title(), r.text(),
                                r.channelIds().toArray(UUID[]::new), lexemes(r), SearchTokens.indexArray(r.title()), (long) max)))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw Problem.conflict("at most " + max + " quick replies");
                    }
                    return single(rows);
                });
    }

    /** Changes a reply of this owner (null: the tenant's); {@code change} checks the body against what is stored. */
    public Uni<Stored> update(UUID tenant, UUID owner, UUID id, Function<KnowledgeRules.Reply, KnowledgeRules.Reply> change) {
        return pool.withTransaction(conn -> conn.preparedQuery("select " + COLUMNS
                                + " from quick_replies where id = $1 and tenant_id = $2 and owner_id is not distinct from $3 for update")
                .execute(Tuple.of(id, tenant, owner))
                .flatMap(rows -> {
                    KnowledgeRules.Reply r = change.apply(single(rows).fields());
                    return TenantChannels.check(conn, tenant, r.channelIds()).flatMap(v -> conn.preparedQuery("""
                                    update quick_replies set category = $3, title = $4, text = $5, channel_ids = $6,
                                      search = array_to_tsvector($7::text[]), title_search = array_to_tsvector($8::text[]), updated_at = now()
                                    where id = $1 and tenant_id = $2
                                    returning""" + " " + COLUMNS)
                            .execute(Tuple.tuple(Arrays.asList(id, tenant, r.category(), r.title(), r.text(),
                                    r.channelIds().toArray(UUID[]::new), lexemes(r), SearchTokens.indexArray(r.title())))));
                }))
                .map(QuickReplies::single);
    }

    public Uni<Void> delete(UUID tenant, UUID owner, UUID id) {
        return pool.preparedQuery("delete from quick_replies where id = $1 and tenant_id = $2 and owner_id is not distinct from $3")
                .execute(Tuple.of(id, tenant, owner))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw Problem.notFound("quick reply");
                    }
                    return null;
                });
    }

    /**
     * The replies offered to {@code staff} in a conversation of {@code channel} (null: any
     * channel): the tenant's that serve the channel and the staff member's own, matching the
     * query when there is one. Title hits first, then personal before the tenant's, then by
     * category and title.
     */
    public Uni<List<Found>> offered(UUID tenant, UUID staff, UUID channel, SearchTokens.Query query, int limit) {
        boolean searching = query != null && !query.isEmpty();
        String sql = "select " + COLUMNS + ", " + (searching ? "title_search @@ $4::tsquery" : "false") + " as title_hit"
                + " from quick_replies where tenant_id = $1"
                + " and (owner_id = $2 or (owner_id is null and ($3::uuid is null or cardinality(channel_ids) = 0 or $3 = any(channel_ids))))"
                + (searching ? " and search @@ $4::tsquery" : " and $4::text is null")
                + " order by title_hit desc, owner_id is null, category, title, id limit $5";
        return pool.preparedQuery(sql)
                .execute(Tuple.tuple(Arrays.asList(tenant, staff, channel, searching ? query.tsquery() : null, limit)))
                .map(rows -> {
                    List<Found> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Found(stored(r), r.getBoolean("title_hit")));
                    }
                    return out;
                });
    }

    private static String[] lexemes(KnowledgeRules.Reply r) {
        return SearchTokens.indexArray(r.title(), r.text(), r.category());
    }

    private static List<Stored> all(RowSet<Row> rows) {
        List<Stored> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(stored(r)));
        return out;
    }

    private static Stored single(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            throw Problem.notFound("quick reply");
        }
        return stored(it.next());
    }

    private static Stored stored(Row r) {
        return new Stored(r.getUUID("id"), r.getUUID("owner_id"), r.getString("category"), r.getString("title"), r.getString("text"),
                List.of(r.getArrayOfUUIDs("channel_ids")));
    }
}
