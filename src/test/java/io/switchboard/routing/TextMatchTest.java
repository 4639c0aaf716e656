package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class TextMatchTest {

    @Test
    void containsFindsTheTextAnywhereIgnoringCase() {
        TextMatch match = TextMatch.contains("/Pricing");
        assertThat(match.matches("https://shop.example.com/pricing?plan=pro")).isTrue();
        assertThat(match.matches("https://shop.example.com/about")).isFalse();
    }

    @Test
    void prefixMatchesOnlyAtTheStartIgnoringCase() {
        TextMatch match = TextMatch.prefix("https://SHOP.example.com/");
        assertThat(match.matches("https://shop.example.com/cart")).isTrue();
        assertThat(match.matches("https://evil.example.net/?https://shop.example.com/")).isFalse();
    }

    @Test
    void aRegularExpressionMayMatchAnywhereUnlessAnchored() {
        assertThat(TextMatch.regex("/orders/\\d+").matches("https://shop.example.com/orders/42/track")).isTrue();
        assertThat(TextMatch.regex("^/orders").matches("https://shop.example.com/orders/42")).isFalse();
        assertThat(TextMatch.regex("(?i)/ORDERS").matches("https://shop.example.com/orders")).isTrue();
    }

    @Test
    void unknownTextNeverMatches() {
        assertThat(TextMatch.contains("a").matches(null)).isFalse();
        assertThat(TextMatch.regex(".*").matches(null)).isFalse();
    }

    @Test
    void aCatastrophicPatternOnACraftedUrlGivesUpQuicklyAsNoMatch() {
        // Without the budget this runs for minutes: every way of splitting the a's is tried.
        TextMatch evil = TextMatch.regex("(.*a){10}x");
        String crafted = "a".repeat(60);
        boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> evil.matches(crafted));
        assertThat(matched).isFalse();
    }

    @Test
    void theBudgetIsGenerousEnoughForOrdinaryPatternsOnLongUrls() {
        String url = "https://shop.example.com/" + "x".repeat(TextMatch.MAX_INPUT_LENGTH - 40) + "/checkout";
        assertThat(TextMatch.regex("shop\\.example\\.com/.*x{100}").matches(url)).isTrue();
    }

    @Test
    void onlyTheFirstTwoThousandCharactersAreExamined() {
        String url = "https://shop.example.com/" + "x".repeat(TextMatch.MAX_INPUT_LENGTH) + "/checkout";
        assertThat(TextMatch.contains("checkout").matches(url)).isFalse();
        assertThat(TextMatch.regex("checkout").matches(url)).isFalse();
    }

    @Test
    void aPatternThatDoesNotCompileIsRefusedWhenTheRuleIsSaved() {
        assertThatIllegalArgumentException().isThrownBy(() -> TextMatch.regex("(unclosed"))
                .withMessageStartingWith("not a valid regular expression");
    }

    @Test
    void patternsLongerThanTheCapAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> TextMatch.regex("a".repeat(TextMatch.MAX_PATTERN_LENGTH + 1)));
        assertThat(TextMatch.contains("a".repeat(TextMatch.MAX_PATTERN_LENGTH)).pattern()).hasSize(TextMatch.MAX_PATTERN_LENGTH);
    }

    @Test
    void blankPatternsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> TextMatch.contains(" "));
        assertThatIllegalArgumentException().isThrownBy(() -> TextMatch.prefix(null));
    }

    @Test
    void twoMatchesOfTheSameModeAndPatternAreEqual() {
        assertThat(TextMatch.regex("a+")).isEqualTo(TextMatch.of(TextMatch.Mode.REGEX, "a+")).hasSameHashCodeAs(TextMatch.regex("a+"));
        assertThat(TextMatch.regex("a+")).isNotEqualTo(TextMatch.contains("a+"));
    }
}
