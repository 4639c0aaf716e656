package io.switchboard.routing;

import java.time.Instant;
import java.util.Objects;

/** A conversation waiting for an agent: what queue ordering needs to know about it. */
public record QueueEntry(String conversationId, String channelId, Instant enqueuedAt) {

    public QueueEntry {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    }
}
