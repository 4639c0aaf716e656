package io.switchboard.routing;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a rule compares a visitor's text (a page URL) with what the admin typed: contains,
 * starts with, or a regular expression. Contains and prefix ignore case, as admins expect
 * when pasting part of an address.
 *
 * <p>Regular expressions come from admins and run on text visitors control, so they are
 * bounded three ways: the pattern is at most {@value #MAX_PATTERN_LENGTH} characters and must
 * compile when the rule is saved; only the first {@value #MAX_INPUT_LENGTH} characters of the
 * text are examined; and one match may read the text at most {@value #STEP_BUDGET} times,
 * after which it counts as no match. The last bound is what stops a pattern such as
 * {@code (.*a){10}x} from spinning for minutes on a URL of sixty a's: Java's engine
 * backtracks, and the count of characters it reads is the work it does.
 */
public final class TextMatch {

    public enum Mode { CONTAINS, PREFIX, REGEX }

    public static final int MAX_PATTERN_LENGTH = 200;
    public static final int MAX_INPUT_LENGTH = 2048;
    static final int STEP_BUDGET = 100_000;

    private final Mode mode;
    private final String pattern;
    private final String folded;
    private final Pattern regex;

    private TextMatch(Mode mode, String pattern) {
        this.mode = Objects.requireNonNull(mode, "mode");
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("the text to match must not be blank");
        }
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("the text to match is longer than " + MAX_PATTERN_LENGTH + " characters");
        }
        this.pattern = pattern;
        this.folded = pattern.toLowerCase(Locale.ROOT);
        this.regex = mode == Mode.REGEX ? compile(pattern) : null;
    }

    public static TextMatch of(Mode mode, String pattern) {
        return new TextMatch(mode, pattern);
    }

    public static TextMatch contains(String text) {
        return new TextMatch(Mode.CONTAINS, text);
    }

    public static TextMatch prefix(String text) {
        return new TextMatch(Mode.PREFIX, text);
    }

    public static TextMatch regex(String pattern) {
        return new TextMatch(Mode.REGEX, pattern);
    }

    public Mode mode() {
        return mode;
    }

    public String pattern() {
        return pattern;
    }

    /** False for null text, and for a regular expression that runs out of its budget. */
    public boolean matches(String text) {
        if (text == null) {
            return false;
        }
        String bounded = text.length() > MAX_INPUT_LENGTH ? text.substring(0, MAX_INPUT_LENGTH) : text;
        return switch (mode) {
            case CONTAINS -> bounded.toLowerCase(Locale.ROOT).contains(folded);
            case PREFIX -> bounded.toLowerCase(Locale.ROOT).startsWith(folded);
            case REGEX -> findWithinBudget(bounded);
        };
    }

    private boolean findWithinBudget(String text) {
        Matcher matcher = regex.matcher(new BudgetedText(text, new int[] {STEP_BUDGET}));
        try {
            return matcher.find();
        } catch (BudgetExhausted e) {
            return false;
        }
    }

    private static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a valid regular expression: " + e.getDescription(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextMatch other && mode == other.mode && pattern.equals(other.pattern);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, pattern);
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(Locale.ROOT) + " " + pattern;
    }

    /** Thrown, without a stack trace, when a match has read the text too often. */
    private static final class BudgetExhausted extends RuntimeException {
        BudgetExhausted() {
            super("regular expression budget exhausted", null, false, false);
        }
    }

    /** Text that counts every character read against a budget shared by its sub-sequences. */
    private record BudgetedText(String text, int[] budget) implements CharSequence {

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new BudgetExhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedText(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
