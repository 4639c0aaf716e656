package io.switchboard.attachment.blob;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.util.Optional;

/**
 * The blob store contract against the S3 adapter and a real S3-compatible server: S3Proxy in
 * this JVM on a free port ({@link S3ProxyServer}), with jclouds' in-memory back-end, reached through
 * the adapter's own client as configured in production (path-style, static keys).
 */
class S3BlobStoreTest extends BlobStoreContract {

    private static final String IDENTITY = "test-access-key";
    private static final String CREDENTIAL = "test-secret-key";
    private static final String BUCKET = "switchboard-attachments";

    private static S3ProxyServer proxy;
    private static S3BlobStore store;

    @BeforeAll
    static void start() throws Exception {
        proxy = S3ProxyServer.start(IDENTITY, CREDENTIAL, BUCKET);
        BlobStoreConfig.S3 config = new BlobStoreConfig.S3() {
            public Optional<URI> endpoint() {
                return Optional.of(URI.create("http://127.0.0.1:" + proxy.port()));
            }

            public String region() {
                return "us-east-1";
            }

            public String bucket() {
                return BUCKET;
            }

            public Optional<String> accessKeyId() {
                return Optional.of(IDENTITY);
            }

            public Optional<String> secretAccessKey() {
                return Optional.of(CREDENTIAL);
            }

            public boolean pathStyle() {
                return true;
            }
        };
        store = new S3BlobStore(S3BlobStore.client(config), BUCKET);
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    BlobStore store() {
        return store;
    }
}
