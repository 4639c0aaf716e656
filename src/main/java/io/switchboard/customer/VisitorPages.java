package io.switchboard.customer;

import io.smallrye.mutiny.Uni;
import io.switchboard.protocol.ClientFrame;
import io.switchboard.security.Caller;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Keeps the pages a visitor opened (F4), as their widget reports them: one statement records
 * the page, notes the first page and its referrer on the visitor (where they came from), and
 * prunes the visitor's pages beyond the most recent {@link #KEPT}. A report is a claim of the
 * visitor's browser, kept and shown as such; the frame rate limit bounds how often it comes.
 */
@ApplicationScoped
public class VisitorPages {

    public static final int KEPT = 100;

    private static final String RECORD = """
            with page as (
              insert into visitor_pages (tenant_id, visitor_id, url, title) values ($1, $2, $3, $4) returning id
            ), source as (
              update visitors set landing_page = coalesce(landing_page, $3),
                                  first_referrer = case when landing_page is null then $5 else first_referrer end
              where id = $2 and tenant_id = $1
            ), pruned as (
              delete from visitor_pages where visitor_id = $2 and id < (
                select id from visitor_pages where visitor_id = $2 order by id desc offset $6 - 1 limit 1)
            )
            select id from page""";

    private final Pool pool;

    VisitorPages(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<String>> record(Caller visitor, ClientFrame.Page page) {
        return pool.preparedQuery(RECORD)
                .execute(Tuple.tuple(Arrays.asList(UUID.fromString(visitor.tenantId()), UUID.fromString(visitor.id()),
                        page.url(), page.title(), page.referrer(), KEPT)))
                .replaceWith(List.of());
    }
}
