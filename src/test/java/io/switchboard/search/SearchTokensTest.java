package io.switchboard.search;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The lexemes of texts and queries (C5, C9): CJK bigrams, lower-cased words and numbers. */
class SearchTokensTest {

    private static boolean matches(String text, String q) {
        List<String> lexemes = SearchTokens.index(text);
        SearchTokens.Query query = SearchTokens.query(q);
        return !query.isEmpty() && query.terms().stream().allMatch(t -> t.prefix()
                ? lexemes.stream().anyMatch(l -> l.startsWith(t.lexeme()))
                : lexemes.contains(t.lexeme()));
    }

    @Test
    void aChineseRunBecomesOverlappingBigramsAndItsLastCharacter() {
        assertThat(SearchTokens.index("办理退货退款手续"))
                .containsExactly("办理", "理退", "退货", "货退", "退款", "款手", "手续", "续");
    }

    @Test
    void aTwoCharacterChineseWordInsideALongerTextIsFound() {
        assertThat(matches("请帮我办理退货退款手续，谢谢", "退款")).isTrue();
        assertThat(matches("请帮我办理退货退款手续，谢谢", "退货退款")).isTrue();
        assertThat(matches("请帮我办理退货手续", "退款")).isFalse();
    }

    @Test
    void aSingleChineseCharacterIsFoundWhereverItStandsInARun() {
        assertThat(SearchTokens.query("款").terms()).containsExactly(new SearchTokens.Term("款", true));
        assertThat(matches("办理退款", "款")).as("last in its run").isTrue();
        assertThat(matches("款项已到", "款")).as("first in its run").isTrue();
        assertThat(matches("退货", "款")).isFalse();
    }

    @Test
    void englishWordsAreLowerCasedAndSplitAtPunctuation() {
        assertThat(SearchTokens.index("Where's my REFUND? It's late."))
                .containsExactly("where", "s", "my", "refund", "it", "late");
        assertThat(matches("Where is my Refund?", "refund")).isTrue();
        assertThat(matches("Where is my Refund?", "REFUND")).isTrue();
    }

    @Test
    void anOrderNumberIsFoundWholeOrByItsNumberParts() {
        String text = "订单 SO-20261206-0042 还没有发货";
        assertThat(SearchTokens.index(text)).containsExactly("订单", "单", "so", "20261206", "0042", "还没", "没有", "有发", "发货", "货");
        assertThat(matches(text, "SO-20261206-0042")).isTrue();
        assertThat(matches(text, "20261206")).isTrue();
        assertThat(matches(text, "SO-20261207-0042")).isFalse();
    }

    @Test
    void lettersAndDigitsGluedTogetherAreSplitWhereTheyMeet() {
        assertThat(SearchTokens.index("SO20261206")).containsExactly("so", "20261206");
        assertThat(matches("order SO20261206 shipped", "20261206")).isTrue();
    }

    @Test
    void fullWidthLettersAndDigitsMatchTheirAsciiForms() {
        assertThat(SearchTokens.index("ＳＯ－２０２６１２０６")).containsExactly("so", "20261206");
        assertThat(matches("单号ＳＯ２０２６１２０６", "so20261206")).isTrue();
    }

    @Test
    void mixedChineseAndEnglishSplitAtTheScriptBoundary() {
        assertThat(SearchTokens.index("iPhone15退款")).containsExactly("iphone", "15", "退款", "款");
        assertThat(matches("我的iPhone15要退款", "iphone 退款")).isTrue();
    }

    @Test
    void theLastWordOfAQueryIsAPrefixWhileTheUserTypes() {
        assertThat(SearchTokens.query("ref").terms()).containsExactly(new SearchTokens.Term("ref", true));
        assertThat(matches("about refunds", "ref")).isTrue();
        assertThat(SearchTokens.query("ref ").terms()).as("a trailing space ends the word")
                .containsExactly(new SearchTokens.Term("ref", false));
        assertThat(SearchTokens.query("refund pol").terms())
                .containsExactly(new SearchTokens.Term("refund", false), new SearchTokens.Term("pol", true));
    }

    @Test
    void aQueryWithoutLettersOrDigitsIsEmpty() {
        assertThat(SearchTokens.query("  ?! ，。").isEmpty()).isTrue();
        assertThat(SearchTokens.query(null).isEmpty()).isTrue();
        assertThat(SearchTokens.index(null)).isEmpty();
    }

    @Test
    void repeatedLexemesAreKeptOnce() {
        assertThat(SearchTokens.index("退款 退款 refund Refund")).containsExactly("退款", "款", "refund");
        assertThat(SearchTokens.query("退款退款").terms()).extracting(SearchTokens.Term::lexeme).containsExactly("退款", "款退");
    }

    @Test
    void overlongRunsAreCutTheSameWayInTextAndQuery() {
        String blob = "a".repeat(300);
        assertThat(SearchTokens.index(blob)).containsExactly("a".repeat(SearchTokens.MAX_TOKEN_CHARS));
        assertThat(matches("see " + blob, blob + " ")).isTrue();
    }

    @Test
    void theTsqueryLiteralQuotesEachLexemeAndMarksPrefixes() {
        assertThat(SearchTokens.query("退款 SO-2026").tsquery()).isEqualTo("'退款' & 'so' & '2026':*");
    }

    @Test
    void japaneseKanaAndKoreanAreBigrammedToo() {
        assertThat(SearchTokens.index("ありがとう")).containsExactly("あり", "りが", "がと", "とう", "う");
        assertThat(matches("감사합니다", "감사")).isTrue();
    }

    @Test
    void accentedWordsKeepTheirMarks() {
        assertThat(SearchTokens.index("Café CAFÉ")).containsExactly("café");
    }
}
