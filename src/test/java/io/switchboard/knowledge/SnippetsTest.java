package io.switchboard.knowledge;

import io.switchboard.search.SearchTokens;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a knowledge-base hit shows of its body, and which placeholders a quick reply may hold. */
class SnippetsTest {

    @Test
    void aShortBodyIsShownWholeWithItsWhitespaceCollapsed() {
        assertThat(Snippets.around("Refunds\n\n  take three days.", SearchTokens.query("refund"), 160))
                .isEqualTo("Refunds take three days.");
    }

    @Test
    void aLongBodyIsCutAroundTheFirstHitWithEllipses() {
        String body = "前言。".repeat(100) + "请在七天内办理退款手续。" + "结尾。".repeat(100);
        String snippet = Snippets.around(body, SearchTokens.query("退款"), 40);
        assertThat(snippet).contains("退款").startsWith("…").endsWith("…");
        assertThat(snippet.codePointCount(0, snippet.length())).isEqualTo(42);
    }

    @Test
    void withoutAHitTheBodyShowsFromItsStart() {
        String snippet = Snippets.around("x".repeat(500), SearchTokens.query("absent"), 100);
        assertThat(snippet).isEqualTo("x".repeat(100) + "…");
    }

    @Test
    void aHitNearTheEndKeepsTheSnippetFull() {
        String snippet = Snippets.around("a ".repeat(300) + "refund", SearchTokens.query("refund"), 50);
        assertThat(snippet).startsWith("…").endsWith("refund");
        assertThat(snippet.length()).isEqualTo(51);
    }

    @Test
    void onlyKnownVariablesMayBeUsedOtherBracesArePlainText() {
        assertThat(ReplyVariables.unknownIn("Hi {visitor.name}, I am {agent.name}; mail {visitor.email}")).isEmpty();
        assertThat(ReplyVariables.unknownIn("Hi {vistor.name} and {order.id}, {vistor.name}"))
                .containsExactly("{vistor.name}", "{order.id}");
        assertThat(ReplyVariables.unknownIn("JSON like {\"a\": 1} or {x} stays")).isEmpty();
    }
}
