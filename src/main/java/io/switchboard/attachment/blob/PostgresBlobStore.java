package io.switchboard.attachment.blob;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Blobs in PostgreSQL, the default: nothing else to run, and in the backups the database
 * already has. Each blob is cut into chunks of at most {@link #CHUNK_BYTES} in blob_chunks
 * (V18), so no single value is large and no statement carries a whole file.
 */
public final class PostgresBlobStore implements BlobStore {

    /** 256 KiB: small enough for the protocol's messages, large enough that 10 MiB is 40 rows. */
    static final int CHUNK_BYTES = 256 * 1024;

    private final Pool pool;

    public PostgresBlobStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Void> put(String key, byte[] bytes) {
        List<Tuple> chunks = new ArrayList<>(bytes.length / CHUNK_BYTES + 1);
        // An empty blob is one empty chunk, so that it is found again.
        int part = 0;
        for (int from = 0; from < bytes.length || part == 0; from += CHUNK_BYTES) {
            byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK_BYTES));
            chunks.add(Tuple.of(key, part++, io.vertx.core.buffer.Buffer.buffer(chunk)));
        }
        // Replaces a blob of the same key whole, or not at all.
        return pool.withTransaction(conn -> conn.preparedQuery("delete from blob_chunks where blob_key = $1")
                        .execute(Tuple.of(key))
                        .flatMap(x -> conn.preparedQuery("insert into blob_chunks (blob_key, part, data) values ($1, $2, $3)")
                                .executeBatch(chunks)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Optional<byte[]>> get(String key) {
        return pool.preparedQuery("select data from blob_chunks where blob_key = $1 order by part")
                .execute(Tuple.of(key))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    io.vertx.core.buffer.Buffer all = io.vertx.core.buffer.Buffer.buffer();
                    for (Row r : rows) {
                        all.appendBuffer(r.getBuffer("data").getDelegate());
                    }
                    return Optional.of(all.getBytes());
                });
    }

    @Override
    public Uni<Void> delete(String key) {
        return pool.preparedQuery("delete from blob_chunks where blob_key = $1").execute(Tuple.of(key)).replaceWithVoid();
    }
}
