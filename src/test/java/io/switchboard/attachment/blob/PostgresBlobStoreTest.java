package io.switchboard.attachment.blob;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;

/** The blob store contract against the PostgreSQL adapter, on the test database. */
@QuarkusTest
class PostgresBlobStoreTest extends BlobStoreContract {

    @Inject
    Pool pool;

    @Override
    BlobStore store() {
        return new PostgresBlobStore(pool);
    }
}
