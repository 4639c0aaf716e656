package io.switchboard.attachment.blob;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.util.Optional;

/** Which blob store holds attachments, and how to reach it (docs/operations.md, "Attachments"). */
@ConfigMapping(prefix = "switchboard.blob-store")
public interface BlobStoreConfig {

    enum Kind { POSTGRES, S3 }

    /** {@code postgres} (the default: nothing else to run) or {@code s3}. */
    @WithDefault("postgres")
    Kind kind();

    S3 s3();

    /** Any S3-compatible store (AWS S3, MinIO, Ceph, S3Proxy...), addressed path-style by default. */
    interface S3 {

        /** The store's URL, e.g. {@code http://minio:9000}; empty: AWS S3 of the region. */
        Optional<URI> endpoint();

        @WithDefault("us-east-1")
        String region();

        /** The bucket must exist; the service never creates one. */
        @WithDefault("switchboard-attachments")
        String bucket();

        /** Without both keys the SDK's default chain is used (environment, instance or pod role). */
        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        /**
         * {@code http://host/bucket/key} rather than {@code http://bucket.host/key}: what
         * self-hosted stores answer without DNS set up per bucket.
         */
        @WithDefault("true")
        boolean pathStyle();
    }
}
