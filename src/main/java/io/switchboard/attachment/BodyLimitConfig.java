package io.switchboard.attachment;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Request body limits ({@link BodyLimits}); uploads have their own ({@link AttachmentConfig#maxSize()}). */
@ConfigMapping(prefix = "switchboard.http")
public interface BodyLimitConfig {

    /**
     * The largest body of any REST request but an upload: the largest legitimate one (visitor
     * attributes) is under 16 KiB. Larger ones get 413 problem JSON before they are read.
     */
    @WithDefault("256K")
    MemorySize maxBodySize();
}
