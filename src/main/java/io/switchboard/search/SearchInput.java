package io.switchboard.search;

import io.switchboard.common.Problem;
import io.switchboard.common.StrictJson;

/**
 * The {@code q} and {@code limit} of a search request, checked: at most {@link #MAX_CHARS} characters, and when a
 * query is required, at least one letter or digit (punctuation alone finds nothing useful and
 * would be an unbounded scan).
 */
public final class SearchInput {

    public static final int MAX_CHARS = 100;

    private SearchInput() {}

    /** The query; empty when q is absent or blank and not required. 400 naming {@code q} otherwise. */
    public static SearchTokens.Query parse(String q, boolean required) {
        if (q != null && q.codePointCount(0, q.length()) > MAX_CHARS) {
            throw Problem.invalid("q", "at most " + MAX_CHARS + " characters");
        }
        if (StrictJson.hasNul(q)) {
            // PostgreSQL text cannot hold U+0000: the contact search would fail as a fault.
            throw Problem.invalid("q", "must not contain U+0000");
        }
        SearchTokens.Query query = SearchTokens.query(q);
        if (query.isEmpty() && (required || (q != null && !q.isBlank()))) {
            throw Problem.invalid("q", "required: a word or number to look for");
        }
        return query;
    }

    /** A page size within 1..max; 400 naming {@code limit} outside. */
    public static int limit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw Problem.invalid("limit", "must be between 1 and " + max);
        }
        return limit;
    }
}
