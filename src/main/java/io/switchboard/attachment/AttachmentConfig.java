package io.switchboard.attachment;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on attachments (C1); where their bytes live is {@code switchboard.blob-store} (docs/operations.md). */
@ConfigMapping(prefix = "switchboard.attachments")
public interface AttachmentConfig {

    /**
     * The largest file accepted; larger ones are answered 413. The HTTP transport limit
     * ({@code quarkus.http.limits.max-body-size}) must stay above it by the multipart framing
     * ({@link BodyLimits#MULTIPART_ALLOWANCE}); BodyLimits warns at start-up when it does not.
     */
    @WithDefault("10M")
    MemorySize maxSize();

    /**
     * Uploads one person (visitor or staff member) may make in an hour; more get 429. Keeps a
     * visitor token from filling the blob store.
     */
    @WithDefault("60")
    int uploadsPerHour();

    /**
     * How long an upload no message carried is kept: then it and its bytes are removed
     * ({@link UnsentAttachments}). A widget or console sends its uploads within seconds.
     */
    @WithDefault("P1D")
    java.time.Duration unsentTtl();
}
