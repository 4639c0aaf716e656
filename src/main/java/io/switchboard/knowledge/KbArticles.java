package io.switchboard.knowledge;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.search.SearchTokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Knowledge-base articles in PostgreSQL (C9), searched through their lexemes
 * ({@link SearchTokens}) in a GIN-indexed {@code tsvector}: title, body and tags in
 * {@code search}, title and tags alone in {@code title_search} for the ranking.
 */
@ApplicationScoped
public class KbArticles {

    /** @param url where the article is published; null when it has no address of its own */
    public record Stored(UUID id, String title, String body, List<String> tags, List<UUID> channelIds, String url, Instant updatedAt) {

        KnowledgeRules.Article fields() {
            return new KnowledgeRules.Article(title, body, tags, channelIds, url);
        }
    }

    private static final String COLUMNS = "id, title, body, tags, channel_ids, url, updated_at";

    /**
     * $1 tenant, $2 tsquery, $3 the conversation's channel (null: any), $4 limit. The GIN index
     * finds the articles holding every query lexeme; title and tag hits rank first, then
     * PostgreSQL's own rank, then the newest.
     */
    public static final String SEARCH = """
            select id, title, body, tags, channel_ids, url, updated_at from kb_articles
            where search @@ $2::tsquery and tenant_id = $1
              and ($3::uuid is null or cardinality(channel_ids) = 0 or $3 = any(channel_ids))
            order by title_search @@ $2::tsquery desc, ts_rank(search, $2::tsquery) desc, updated_at desc, id
            limit $4""";

    private final Pool pool;

    KbArticles(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<Stored>> list(UUID tenant, int limit, int offset) {
        return pool.preparedQuery("select " + COLUMNS + " from kb_articles where tenant_id = $1 order by updated_at desc, id limit $2 offset $3")
                .execute(Tuple.of(tenant, limit, offset))
                .map(KbArticles::all);
    }

    public Uni<Stored> get(UUID tenant, UUID id) {
        return pool.preparedQuery("select " + COLUMNS + " from kb_articles where id = $1 and tenant_id = $2")
                .execute(Tuple.of(id, tenant))
                .map(KbArticles::single);
    }

    public Uni<Stored> create(UUID tenant, KnowledgeRules.Article a) {
        return pool.withTransaction(conn -> TenantChannels.check(conn, tenant, a.channelIds())
                        .flatMap(v -> conn.preparedQuery("""
                                        insert into kb_articles (id, tenant_id, title, body, tags, channel_ids, search, title_search, url)
                                        select $1, $2, $3, $4, $5, $6, array_to_tsvector($7::text[]), array_to_tsvector($8::text[]), $10
                                        where (select count(*) from kb_articles where tenant_id = $2) < $9
                                        returning""" + " " + COLUMNS)
                                .execute(Tuple.tuple(Arrays.asList(UUID.randomUUID(), tenant, a.title(), a.body(),
                                        a.tags().toArray(String[]::new), a.channelIds().toArray(UUID[]::new), lexemes(a),
                                        titleLexemes(a), (long) KnowledgeLimits.ARTICLES, a.url())))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw Problem.conflict("at most " + KnowledgeLimits.ARTICLES + " articles");
                    }
                    return single(rows);
                });
    }

    public Uni<Stored> update(UUID tenant, UUID id, Function<KnowledgeRules.Article, KnowledgeRules.Article> change) {
        return pool.withTransaction(conn -> conn.preparedQuery("select " + COLUMNS + " from kb_articles where id = $1 and tenant_id = $2 for update")
                        .execute(Tuple.of(id, tenant))
                        .flatMap(rows -> {
                            KnowledgeRules.Article a = change.apply(single(rows).fields());
                            return TenantChannels.check(conn, tenant, a.channelIds()).flatMap(v -> conn.preparedQuery("""
                                            update kb_articles set title = $3, body = $4, tags = $5, channel_ids = $6,
                                              search = array_to_tsvector($7::text[]), title_search = array_to_tsvector($8::text[]),
                                              url = $9, updated_at = now()
                                            where id = $1 and tenant_id = $2
                                            returning""" + " " + COLUMNS)
                                    .execute(Tuple.tuple(Arrays.asList(id, tenant, a.title(), a.body(), a.tags().toArray(String[]::new),
                                            a.channelIds().toArray(UUID[]::new), lexemes(a), titleLexemes(a), a.url()))));
                        }))
                .map(KbArticles::single);
    }

    public Uni<Void> delete(UUID tenant, UUID id) {
        return pool.preparedQuery("delete from kb_articles where id = $1 and tenant_id = $2")
                .execute(Tuple.of(id, tenant))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw Problem.notFound("article");
                    }
                    return null;
                });
    }

    /** The articles matching the query for a conversation of this channel (null: any), best first. */
    public Uni<List<Stored>> search(UUID tenant, SearchTokens.Query query, UUID channel, int limit) {
        return pool.preparedQuery(SEARCH)
                .execute(Tuple.tuple(Arrays.asList(tenant, query.tsquery(), channel, limit)))
                .map(KbArticles::all);
    }

    private static String[] lexemes(KnowledgeRules.Article a) {
        List<String> texts = new ArrayList<>(List.of(a.title(), a.body()));
        texts.addAll(a.tags());
        return SearchTokens.indexArray(texts.toArray(String[]::new));
    }

    private static String[] titleLexemes(KnowledgeRules.Article a) {
        List<String> texts = new ArrayList<>(List.of(a.title()));
        texts.addAll(a.tags());
        return SearchTokens.indexArray(texts.toArray(String[]::new));
    }

    private static List<Stored> all(RowSet<Row> rows) {
        List<Stored> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(stored(r)));
        return out;
    }

    private static Stored single(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            throw Problem.notFound("article");
        }
        return stored(it.next());
    }

    private static Stored stored(Row r) {
        return new Stored(r.getUUID("id"), r.getString("title"), r.getString("body"), List.of(r.getArrayOfStrings("tags")),
                List.of(r.getArrayOfUUIDs("channel_ids")), r.getString("url"), r.getOffsetDateTime("updated_at").toInstant());
    }
}
