package io.switchboard.conversation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a staff resume is streamed (docs/protocol.md, "Resume"). */
@ConfigMapping(prefix = "switchboard.resume")
public interface ResumeConfig {

    /**
     * Messages read per query, and written to the socket before the next query is made: the
     * most a resume holds in memory at once, whatever the number of cursors and messages.
     */
    @WithDefault("200")
    int pageSize();
}
