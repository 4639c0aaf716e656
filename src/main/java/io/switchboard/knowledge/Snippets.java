package io.switchboard.knowledge;

import io.switchboard.search.SearchTokens;

import java.util.Locale;

/**
 * The part of an article a search result shows: around the first place a query term occurs,
 * whitespace collapsed, cut at character boundaries with an ellipsis where text was left out.
 */
public final class Snippets {

    private Snippets() {}

    public static String around(String body, SearchTokens.Query query, int chars) {
        String text = body.replaceAll("\\s+", " ").strip();
        String lower = text.toLowerCase(Locale.ROOT);
        int at = -1;
        if (lower.length() == text.length()) {
            for (SearchTokens.Term t : query.terms()) {
                int i = lower.indexOf(t.lexeme());
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                }
            }
        }
        int cps = text.codePointCount(0, text.length());
        if (cps <= chars) {
            return text;
        }
        int hitCp = at < 0 ? 0 : text.codePointCount(0, at);
        // Some context before the hit, but never so much that the hit falls off the end.
        int startCp = Math.max(0, Math.min(hitCp - chars / 4, cps - chars));
        int endCp = Math.min(cps, startCp + chars);
        String cut = text.substring(text.offsetByCodePoints(0, startCp), text.offsetByCodePoints(0, endCp));
        return (startCp > 0 ? "…" : "") + cut + (endCp < cps ? "…" : "");
    }
}
