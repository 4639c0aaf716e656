package io.switchboard.attachment;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.switchboard.attachment.blob.BlobStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes uploads that no message carried within {@link AttachmentConfig#unsentTtl()}, bytes
 * and row, so abandoned uploads do not fill the blob store. Every replica runs it: the rows
 * are claimed {@code for update skip locked}, so two sweeps never take the same upload, and a
 * message that is claiming an upload at that moment (MessageStore locks it the same way) keeps
 * it. The bytes go first, the rows in the same transaction after: should the commit fail, the
 * rows stay and the next sweep tries again (deleting bytes that are gone already is no error).
 */
@ApplicationScoped
public class UnsentAttachments {

    private static final Logger LOG = Logger.getLogger(UnsentAttachments.class);
    static final int BATCH = 200;

    private final Pool pool;
    private final BlobStore blobs;
    private final AttachmentConfig config;

    UnsentAttachments(Pool pool, BlobStore blobs, AttachmentConfig config) {
        this.pool = pool;
        this.blobs = blobs;
        this.config = config;
    }

    @Scheduled(every = "${switchboard.attachments.unsent-sweep-interval:10m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep()
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("removed %d uploads no message carried", n);
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("unsent attachment sweep failed, the next one retries: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** One sweep: how many uploads it removed. */
    public Uni<Integer> sweep() {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        select id, blob_key from attachments
                        where message_id is null and created_at < now() - $1::float8 * interval '1 millisecond'
                        order by created_at limit $2
                        for update skip locked""")
                .execute(Tuple.of((double) config.unsentTtl().toMillis(), BATCH))
                .flatMap(rows -> {
                    List<java.util.UUID> ids = new ArrayList<>(rows.size());
                    List<String> keys = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        ids.add(r.getUUID("id"));
                        keys.add(r.getString("blob_key"));
                    }
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return Multi.createFrom().iterable(keys).onItem().transformToUniAndConcatenate(blobs::delete).collect().last()
                            .flatMap(x -> conn.preparedQuery("delete from attachments where id = any($1)")
                                    .execute(Tuple.of(ids.toArray(java.util.UUID[]::new))))
                            .map(x -> ids.size());
                }));
    }
}
