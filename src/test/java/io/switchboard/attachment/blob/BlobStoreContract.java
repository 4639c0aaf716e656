package io.switchboard.attachment.blob;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link BlobStore} adapter promises, run against each real store: PostgreSQL
 * (PostgresBlobStoreTest) and an S3-compatible server (S3BlobStoreTest).
 */
abstract class BlobStoreContract {

    static final Duration WAIT = Duration.ofSeconds(30);

    abstract BlobStore store();

    static String key() {
        return UUID.randomUUID() + "/" + UUID.randomUUID();
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    Optional<byte[]> get(String key) {
        return store().get(key).await().atMost(WAIT);
    }

    void put(String key, byte[] bytes) {
        store().put(key, bytes).await().atMost(WAIT);
    }

    @Test
    void whatIsPutIsGotBackByteForByte() {
        String key = key();
        byte[] bytes = random(1000);
        put(key, bytes);
        assertThat(get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    }

    @Test
    void aBlobOfSeveralChunksAndTenMebibytesComesBackWhole() {
        String key = key();
        // Not a multiple of the PostgreSQL chunk: the last chunk is partial.
        byte[] bytes = random(10 * 1024 * 1024 - 12345);
        put(key, bytes);
        assertThat(get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    }

    @Test
    void anEmptyBlobIsStoredAndFound() {
        String key = key();
        put(key, new byte[0]);
        assertThat(get(key)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    }

    @Test
    void anUnknownKeyIsEmptyNotAnError() {
        assertThat(get(key())).isEmpty();
    }

    @Test
    void aSecondPutUnderOneKeyReplacesTheFirstWhole() {
        String key = key();
        put(key, random(600 * 1024));
        byte[] shorter = random(10);
        put(key, shorter);
        assertThat(get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(shorter));
    }

    @Test
    void aDeletedBlobIsGoneAndOthersStay() {
        String gone = key();
        String kept = key();
        put(gone, random(300 * 1024));
        put(kept, random(100));
        store().delete(gone).await().atMost(WAIT);
        assertThat(get(gone)).isEmpty();
        assertThat(get(kept)).isPresent();
        // Deleting what is not there is no error.
        store().delete(gone).await().atMost(WAIT);
    }
}
