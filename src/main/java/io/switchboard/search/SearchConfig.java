package io.switchboard.search;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Search indexing (docs/operations.md, configuration and "Search index"). */
@ConfigMapping(prefix = "switchboard.search")
public interface SearchConfig {

    /**
     * How often each replica writes the search lexemes of the messages stored since its last
     * pass ({@code switchboard.search.index-interval}, read by the scheduler): about how long a
     * new message takes to be found. A pass with nothing to do is one probe of an empty table.
     */
    @WithDefault("1s")
    Duration indexInterval();

    /**
     * The most messages one indexing transaction takes; a pass repeats while its transactions
     * come back full, so a backlog drains at once.
     */
    @WithDefault("1000")
    int indexBatch();

    /**
     * The longest one search statement may run before PostgreSQL cancels it and the caller is
     * answered 503 with a hint to narrow the search: a bound on what one request can cost the
     * shared database.
     */
    @WithDefault("10s")
    Duration statementTimeout();
}
