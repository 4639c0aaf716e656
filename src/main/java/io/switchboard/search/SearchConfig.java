package io.switchboard.search;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Search indexing (docs/operations.md, configuration). */
@ConfigMapping(prefix = "switchboard.search")
public interface SearchConfig {

    /**
     * How often each replica gives lexemes to messages stored without them (before schema
     * version 17, or by a replica of an older version during a rolling upgrade). Once all are
     * done a pass is one probe of an empty index ({@code switchboard.search.backfill-interval},
     * read by the scheduler).
     */
    @WithDefault("10s")
    Duration backfillInterval();

    /** The most messages one pass fills, in one short transaction; the next pass takes the rest. */
    @WithDefault("500")
    int backfillBatch();

    /**
     * The longest one search statement may run before PostgreSQL cancels it and the caller is
     * answered 503 with a hint to narrow the search: a bound on what one request can cost the
     * shared database.
     */
    @WithDefault("10s")
    Duration statementTimeout();

    /**
     * An agent who may see at most this many conversations is searched conversation by
     * conversation: their conversations' ids first (read by index, at most this many), then
     * those conversations' hits. An agent who sees more, like supervisors and admins, is
     * searched over the tenant's messages with the visibility rule as a filter, which finds a
     * page soon when the caller sees much of the tenant. 0 always searches the latter way.
     */
    @WithDefault("2000")
    int byConversationLimit();
}
