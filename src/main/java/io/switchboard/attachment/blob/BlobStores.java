package io.switchboard.attachment.blob;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/** Picks the blob store the configuration names ({@link BlobStoreConfig#kind()}), once, at start-up. */
@ApplicationScoped
class BlobStores {

    private static final Logger LOG = Logger.getLogger(BlobStores.class);

    @Produces
    @ApplicationScoped
    BlobStore blobStore(BlobStoreConfig config, Pool pool) {
        if (config.kind() == BlobStoreConfig.Kind.S3) {
            LOG.infof("attachments are stored in S3 bucket %s at %s", config.s3().bucket(),
                    config.s3().endpoint().map(Object::toString).orElse("AWS " + config.s3().region()));
            return new S3BlobStore(S3BlobStore.client(config.s3()), config.s3().bucket());
        }
        return new PostgresBlobStore(pool);
    }

    void close(@Disposes BlobStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
