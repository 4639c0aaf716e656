package io.switchboard.testing;

import java.time.Duration;
import java.time.Instant;

/**
 * Messages are searchable once the indexer has passed, about a second after they were stored
 * (docs/operations.md, "Search index"). Tests that search what they just wrote wait for that.
 */
public final class SearchIndex {

    private SearchIndex() {}

    /** Waits until every message stored so far has been indexed (its pending row deleted in the indexer's commit). */
    public static void awaitIndexed() {
        long upTo = Fixtures.count("select coalesce(max(id), 0) from messages");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Fixtures.count("select count(*) from message_search_pending where message_id <= ?", upTo) > 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("messages up to id " + upTo + " were not indexed within 20 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
