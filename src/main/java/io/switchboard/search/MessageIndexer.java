package io.switchboard.search;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Writes the search lexemes ({@link SearchTokens}) of stored messages into {@code message_search},
 * after their commit and in batches, so that the message path never writes the GIN index
 * (docs/operations.md, "Search index"). An append records its message in
 * {@code message_search_pending} in its own statement ({@link #PENDING}); every replica runs
 * this indexer, which claims such rows with {@code for update skip locked} (two replicas never
 * take the same), computes the lexemes here in Java (one rule for what is stored and what is
 * searched, and no tokenising in the shared database), writes them and deletes the claimed
 * rows in one short transaction. A replica that dies mid-pass leaves its rows to the next.
 *
 * <p>It also moves the lexemes an older version kept in {@code messages.search} (before schema
 * version 21, or written by such a replica during a rolling upgrade) into the same table,
 * clearing the column as it goes.
 */
@ApplicationScoped
public class MessageIndexer {

    private static final Logger LOG = Logger.getLogger(MessageIndexer.class);

    /** The part of an append that records its new message, from the CTE {@code ins}, as not yet indexed. */
    public static final String PENDING = "insert into message_search_pending (message_id) select id from ins";

    /** $1 batch. Oldest first; a pending id whose message is gone comes back with a null text and is dropped. */
    static final String CLAIM = """
            select p.message_id, m.tenant_id, m.text
            from (select message_id from message_search_pending order by message_id limit $1::int for update skip locked) p
            left join messages m on m.id = p.message_id""";

    /**
     * $1 ids, $2 tenants, $3 lexemes joined by spaces (lexemes hold letters and digits only), $4 every
     * claimed id. A text without words gets no row: nothing can find it.
     */
    static final String WRITE = """
            with written as (
              insert into message_search (message_id, tenant_id, search)
              select u.id, u.tenant_id, array_to_tsvector(string_to_array(u.lexemes, ' '))
              from unnest($1::bigint[], $2::uuid[], $3::text[]) as u(id, tenant_id, lexemes)
              on conflict (message_id) do nothing
            )
            delete from message_search_pending where message_id = any($4::bigint[])""";

    /** $1 batch. Served by messages_search_to_move_idx, empty once the older lexemes have moved. */
    static final String MOVE = """
            with claimed as (
              select id, tenant_id, search from messages where search is not null
              order by id limit $1::int for update skip locked
            ), moved as (
              insert into message_search (message_id, tenant_id, search)
              select id, tenant_id, search from claimed where length(search) > 0
              on conflict (message_id) do update set search = excluded.search
            )
            update messages m set search = null from claimed where m.id = claimed.id""";

    /** Passes of one kind in one scheduled run, at most: 50 batches of 1,000 by default. */
    static final int PASSES_PER_RUN = 50;

    private final Pool pool;
    private final SearchConfig config;

    MessageIndexer(Pool pool, SearchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${switchboard.search.index-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return drain()
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("message indexing failed, the next pass retries: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /**
     * Passes until one finds less than a full batch (or {@link #PASSES_PER_RUN} did): the pending messages, then the older lexemes
     * to move. How many messages were indexed or moved.
     */
    public Uni<Integer> drain() {
        return repeatWhileFull(this::index).flatMap(indexed -> repeatWhileFull(this::move).invoke(moved -> {
            if (moved > 0) {
                LOG.infof("moved the search lexemes of %d messages stored by an older version", moved);
            }
        }).map(moved -> indexed + moved));
    }

    /**
     * Repeats a pass while it comes back full, at most {@link #PASSES_PER_RUN} times a run (the
     * next run goes on): a bounded chain, whatever the backlog.
     */
    private Uni<Integer> repeatWhileFull(Supplier<Uni<Integer>> pass) {
        return repeatWhileFull(pass, 0, 0);
    }

    private Uni<Integer> repeatWhileFull(Supplier<Uni<Integer>> pass, int done, int passes) {
        return pass.get().flatMap(n -> n >= config.indexBatch() && passes + 1 < PASSES_PER_RUN
                ? repeatWhileFull(pass, done + n, passes + 1)
                : Uni.createFrom().item(done + n));
    }

    /** One pass over the pending messages: how many were claimed. */
    public Uni<Integer> index() {
        return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(config.indexBatch())).flatMap(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(0);
            }
            List<Long> claimed = new ArrayList<>(rows.size());
            List<Long> ids = new ArrayList<>(rows.size());
            List<UUID> tenants = new ArrayList<>(rows.size());
            List<String> lexemes = new ArrayList<>(rows.size());
            for (Row r : rows) {
                long id = r.getLong("message_id");
                claimed.add(id);
                String text = r.getString("text");
                List<String> words = text == null ? List.of() : SearchTokens.index(text);
                if (!words.isEmpty()) {
                    ids.add(id);
                    tenants.add(r.getUUID("tenant_id"));
                    lexemes.add(String.join(" ", words));
                }
            }
            return conn.preparedQuery(WRITE)
                    .execute(Tuple.of(ids.toArray(Long[]::new), tenants.toArray(UUID[]::new), lexemes.toArray(String[]::new),
                            claimed.toArray(Long[]::new)))
                    .map(done -> rows.size());
        }));
    }

    /** One pass over lexemes an older version stored in messages: how many moved. */
    Uni<Integer> move() {
        return pool.preparedQuery(MOVE).execute(Tuple.of(config.indexBatch())).map(rows -> rows.rowCount());
    }
}
