package io.switchboard.attachment.blob;

import io.smallrye.mutiny.Uni;

import java.util.Optional;

/**
 * Where the bytes of attachments live (DESIGN.md, "Ports for the parts that vary"): PostgreSQL
 * by default, any S3-compatible store when the operator says so ({@link BlobStoreConfig}).
 * Blobs are bounded (attachments are at most a few MiB, see AttachmentConfig), so they travel
 * as byte arrays; keys are chosen by the caller and start with the tenant.
 * Every adapter passes BlobStoreContract (the tests).
 */
public interface BlobStore {

    /** Stores the bytes under the key, replacing whatever was stored under it. */
    Uni<Void> put(String key, byte[] bytes);

    /** The bytes stored under the key; empty when nothing is. */
    Uni<Optional<byte[]>> get(String key);

    /** Removes the blob; a key with nothing stored is no error. */
    Uni<Void> delete(String key);
}
