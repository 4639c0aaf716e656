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

/**
 * Gives search lexemes ({@link SearchTokens}) to messages stored without them: those of an
 * installation older than schema version 17, and those a replica of an older version writes
 * during a rolling upgrade. Every replica runs it; {@code for update skip locked} keeps two
 * passes off each other's rows, and a pass is one short transaction, so the message path
 * never waits behind it for long. The lexemes are computed here, in Java, as for new messages:
 * one rule for what is stored and what is searched.
 */
@ApplicationScoped
public class SearchBackfill {

    private static final Logger LOG = Logger.getLogger(SearchBackfill.class);

    /** $1 batch. Served by the partial index messages_unindexed_idx: empty once all are done. */
    static final String CLAIM = """
            select id, text from messages
            where search is null and (sender_kind in ('visitor', 'agent') or event = 'transfer_note')
            order by id limit $1::int
            for update skip locked""";

    /** $1 ids, $2 their lexemes joined by spaces (lexemes hold letters and digits only). */
    static final String FILL = """
            update messages m set search = array_to_tsvector(string_to_array(u.lexemes, ' '))
            from unnest($1::bigint[], $2::text[]) as u(id, lexemes)
            where m.id = u.id""";

    private final Pool pool;
    private final SearchConfig config;

    SearchBackfill(Pool pool, SearchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${switchboard.search.backfill-interval:10s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return fill()
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("gave search lexemes to %d messages stored without them", n);
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("search backfill failed, the next pass retries: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** One pass: how many messages got their lexemes. */
    public Uni<Integer> fill() {
        return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(config.backfillBatch())).flatMap(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(0);
            }
            List<Long> ids = new ArrayList<>(rows.size());
            List<String> lexemes = new ArrayList<>(rows.size());
            for (Row r : rows) {
                ids.add(r.getLong("id"));
                lexemes.add(String.join(" ", SearchTokens.index(r.getString("text"))));
            }
            return conn.preparedQuery(FILL)
                    .execute(Tuple.of(ids.toArray(Long[]::new), lexemes.toArray(String[]::new)))
                    .map(done -> rows.size());
        }));
    }
}
