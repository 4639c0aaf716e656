package io.switchboard.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns text into the lexemes Switchboard indexes and searches (C5, C9): the same rule for
 * messages, quick replies and knowledge-base articles, and for the query, so what was stored is
 * found by the words one types.
 *
 * <ul>
 *   <li>Text is NFKC-normalised and lower-cased first: full-width letters and digits (ＳＯ－２０２６),
 *       which Chinese input methods produce, become the ASCII ones.</li>
 *   <li>Runs of Chinese, Japanese or Korean script become overlapping bigrams (办理退货 -> 办理, 理退,
 *       退货), what Lucene's CJK bigram filter makes: Chinese has no spaces, and a dictionary
 *       segmenter mis-cuts words it does not know, while every two-character word inside a run is
 *       one of its bigrams. Each run also yields its last character alone, so that every character
 *       starts a lexeme and a one-character query (退) finds it as a prefix.</li>
 *   <li>Other letters and digits become words, split where letters meet digits: SO-20261206-0042
 *       gives so, 20261206 and 0042, and SO20261206 the same two first, so an order number is found
 *       by its date part as well as whole.</li>
 * </ul>
 *
 * <p>A query matches a text when every one of its terms is among the text's lexemes (AND). The
 * last term of a query is a prefix when it is a word the user may still be typing (type-ahead),
 * and a lone CJK character is always a prefix. Plain code: no I/O, no index; the lexemes go into
 * PostgreSQL {@code tsvector} columns verbatim ({@code array_to_tsvector}), never through a text
 * search configuration, whose parser would cut them differently.
 */
public final class SearchTokens {

    /** Longer runs (hashes, encoded blobs) are cut to this many characters, in the text and the query alike. */
    public static final int MAX_TOKEN_CHARS = 64;

    private SearchTokens() {}

    /** One term of a query: a lexeme, matched whole or, as a prefix, by every lexeme that starts with it. */
    public record Term(String lexeme, boolean prefix) {}

    /** The terms of a query, all of which a text must contain. */
    public record Query(List<Term> terms) {

        public boolean isEmpty() {
            return terms.isEmpty();
        }

        /**
         * The query as a PostgreSQL {@code tsquery} literal, for {@code $n::tsquery}. Lexemes hold
         * letters and digits only, and are quoted anyway.
         */
        public String tsquery() {
            StringBuilder out = new StringBuilder();
            for (Term t : terms) {
                if (!out.isEmpty()) {
                    out.append(" & ");
                }
                out.append('\'').append(t.lexeme().replace("\\", "\\\\").replace("'", "''")).append('\'');
                if (t.prefix()) {
                    out.append(":*");
                }
            }
            return out.toString();
        }
    }

    /** The distinct lexemes of a text, in the order they first appear; empty for null or blank text. */
    public static List<String> index(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (Run run : runs(text)) {
            if (run.cjk()) {
                int[] cps = run.text().codePoints().toArray();
                for (int i = 0; i + 1 < cps.length; i++) {
                    out.add(new String(cps, i, 2));
                }
                out.add(new String(cps, cps.length - 1, 1));
            } else {
                out.add(run.text());
            }
        }
        return List.copyOf(out);
    }

    /** The lexemes as an array, for a {@code text[]} statement parameter. */
    public static String[] indexArray(String... texts) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : texts) {
            out.addAll(index(t));
        }
        return out.toArray(String[]::new);
    }

    /** What a search for {@code q} must find; empty when q holds no letter or digit. */
    public static Query query(String q) {
        List<Run> runs = runs(q);
        List<Term> terms = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        // A query that ends in a space or punctuation has its last word complete.
        boolean typing = q != null && !q.isEmpty() && Character.isLetterOrDigit(q.codePointBefore(q.length()));
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            if (run.cjk()) {
                int[] cps = run.text().codePoints().toArray();
                if (cps.length == 1) {
                    add(terms, seen, run.text(), true);
                }
                for (int i = 0; i + 1 < cps.length; i++) {
                    add(terms, seen, new String(cps, i, 2), false);
                }
            } else {
                boolean last = r == runs.size() - 1;
                add(terms, seen, run.text(), last && typing);
            }
        }
        return new Query(List.copyOf(terms));
    }

    private static void add(List<Term> terms, Set<String> seen, String lexeme, boolean prefix) {
        String key = lexeme + (prefix ? ":*" : "");
        if (seen.add(key)) {
            terms.add(new Term(lexeme, prefix));
        }
    }

    private record Run(String text, boolean cjk) {}

    private enum Kind { CJK, LETTER, DIGIT, OTHER }

    private static List<Run> runs(String text) {
        List<Run> runs = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return runs;
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder current = new StringBuilder();
        Kind currentKind = Kind.OTHER;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            Kind kind = kind(cp);
            if (kind == Kind.OTHER && isMark(cp) && currentKind != Kind.OTHER) {
                // Combining marks (accents left apart, Indic vowel signs) belong to their letter.
                current.appendCodePoint(cp);
                continue;
            }
            if (kind != currentKind) {
                flush(runs, current, currentKind);
                currentKind = kind;
            }
            if (kind != Kind.OTHER) {
                current.appendCodePoint(cp);
            }
        }
        flush(runs, current, currentKind);
        return runs;
    }

    private static void flush(List<Run> runs, StringBuilder current, Kind kind) {
        if (kind != Kind.OTHER && !current.isEmpty()) {
            String t = current.toString();
            if (t.codePointCount(0, t.length()) > MAX_TOKEN_CHARS) {
                t = t.substring(0, t.offsetByCodePoints(0, MAX_TOKEN_CHARS));
            }
            runs.add(new Run(t, kind == Kind.CJK));
        }
        current.setLength(0);
    }

    private static Kind kind(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        if (script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL) {
            return Character.isLetter(cp) ? Kind.CJK : Kind.OTHER;
        }
        if (Character.isLetter(cp)) {
            return Kind.LETTER;
        }
        if (Character.isDigit(cp)) {
            return Kind.DIGIT;
        }
        return Kind.OTHER;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
