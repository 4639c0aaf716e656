package io.switchboard.web;

import com.microsoft.playwright.Locator;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A visitor on a web page with the widget and an agent in the console, both in real
 * Chromium, talking through the running service (issue 3).
 */
@QuarkusTest
class ChatInBrowserTest {

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    /** Exactly these messages, in this order: nothing lost, nothing doubled. */
    static void assertTexts(Locator messages, String... texts) {
        assertThat(messages).hasCount(texts.length);
        assertThat(messages).containsText(texts);
    }

    @Test
    void visitorAndAgentConverseBothWaysAndBothSeeTheAgentClose() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());
            assertThat(visitor.page.getByTestId("sb-notice")).isVisible();

            visitor.send("Hello, my parcel has not arrived");
            assertThat(visitor.messages("visitor")).hasAttribute("data-state", "sent");
            assertThat(visitor.page.getByTestId("sb-agent-name")).hasText("Agent 1");

            String conversationId = agent.openOnlyConversation();
            assertThat(agent.messages("visitor")).containsText("Hello, my parcel has not arrived");
            assertThat(agent.page.getByTestId("my-load")).hasText("1 / 5");

            agent.reply("Sorry to hear that. What is the order number?");
            assertThat(visitor.messages("agent")).containsText("Sorry to hear that. What is the order number?");
            assertThat(agent.messages("agent")).hasCount(1);

            // Typing shows on both sides.
            visitor.page.getByTestId("sb-input").fill("It is 10");
            assertThat(agent.page.getByTestId("chat-typing")).isVisible();
            visitor.page.getByTestId("sb-send").click();
            assertThat(agent.messages("visitor").last()).containsText("It is 10");
            agent.page.getByTestId("chat-input").fill("Checking");
            assertThat(visitor.page.locator(".sb-typing")).isVisible();
            BrowserSupport.screenshot(agent.page, "console-conversation");
            BrowserSupport.screenshot(visitor.page, "widget-conversation");

            agent.page.getByTestId("chat-close").click();
            assertThat(agent.page.locator("#chat-state")).containsText("This conversation has ended");
            assertThat(agent.page.getByTestId("chat-input")).isHidden();
            assertThat(agent.page.getByTestId("my-load")).hasText("0 / 5");
            assertThat(visitor.page.getByTestId("sb-closed")).isVisible();
            assertThat(visitor.page.getByTestId("sb-input")).isHidden();
            agent.page.getByTestId("conv-tab-ended").click();
            assertThat(agent.item(conversationId)).isVisible();
            BrowserSupport.screenshot(visitor.page, "widget-closed");

            // A new conversation starts clean.
            visitor.page.getByTestId("sb-new-conversation").click();
            assertThat(visitor.messages()).hasCount(0);
            assertThat(visitor.page.getByTestId("sb-input")).isVisible();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void reloadingEitherPageMidConversationLosesAndDoublesNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());

            visitor.send("one");
            String conversationId = agent.openOnlyConversation();
            assertTexts(agent.messages(), new String[] {"one"});
            agent.reply("two");
            assertTexts(visitor.messages(), new String[] {"one", "two"});

            agent.page.reload();
            assertThat(agent.items()).hasCount(1);
            agent.item(conversationId).click();
            assertTexts(agent.messages(), new String[] {"one", "two"});
            visitor.send("three");
            assertTexts(agent.messages(), new String[] {"one", "two", "three"});
            agent.reply("four");

            visitor.reload();
            assertTexts(visitor.messages(), new String[] {"one", "two", "three", "four"});
            assertThat(visitor.page.getByTestId("sb-agent-name")).hasText("Agent 1");
            visitor.send("five");
            assertTexts(agent.messages(), new String[] {"one", "two", "three", "four", "five"});
            assertThat(visitor.messages().last()).hasAttribute("data-state", "sent");

            // Both reloaded once more, at rest: still exactly the five, in order, and five rows stored.
            agent.page.reload();
            agent.item(conversationId).click();
            visitor.reload();
            List<String> five = List.of("one", "two", "three", "four", "five");
            assertTexts(agent.messages(), five.toArray(String[]::new));
            assertTexts(visitor.messages(), five.toArray(String[]::new));
            assertThat(agent.messages("visitor")).hasCount(3);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", conversationId)).isEqualTo(5);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /**
     * Replaces the page's WebSocket with one that drops, once, the first frame containing
     * {@code marker}, as a publish that failed or a frame that never came would; counts the
     * sockets the page opens.
     */
    static String dropOneFrame(String marker) {
        return """
                (() => {
                  const Native = window.WebSocket;
                  const marker = %s;
                  window.__sbSockets = 0;
                  window.__sbDropped = false;
                  class Lossy extends Native {
                    constructor(...args) {
                      super(...args);
                      window.__sbSockets++;
                    }
                    addEventListener(type, listener, options) {
                      if (type !== 'message') {
                        return super.addEventListener(type, listener, options);
                      }
                      return super.addEventListener(type, e => {
                        if (!window.__sbDropped && typeof e.data === 'string' && e.data.includes(marker)) {
                          window.__sbDropped = true;
                          return;
                        }
                        listener.call(this, e);
                      }, options);
                    }
                  }
                  window.WebSocket = Lossy;
                })();
                """.formatted("'" + marker.replace("'", "\\'") + "'");
    }

    @Test
    void anAgentMessageWhoseFrameNeverReachedTheWidgetIsFetchedAgainWhileTheLinkStaysUp() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            var page = browser.newPage();
            page.addInitScript(dropOneFrame("\"text\":\"lost on the way\""));
            WidgetPage visitor = WidgetPage.open(page, base, team.channelKey());

            visitor.send("hello");
            agent.openOnlyConversation();
            agent.reply("lost on the way");
            agent.reply("after it");

            // The later message shows the gap; the widget asks for what it missed, in place.
            assertTexts(visitor.messages(), new String[] {"hello", "lost on the way", "after it"});
            assertThat(page.evaluate("window.__sbDropped")).isEqualTo(true);
            assertThat(page.evaluate("window.__sbSockets")).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aVisitorMessageWhoseFrameNeverReachedTheConsoleIsFetchedAgainWhileTheLinkStaysUp() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            var page = browser.newPage();
            page.addInitScript(dropOneFrame("\"text\":\"lost on the way\""));
            ConsolePage agent = ConsolePage.open(page, base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());

            visitor.send("hello");
            agent.openOnlyConversation();
            assertTexts(agent.messages(), new String[] {"hello"});
            visitor.send("lost on the way");
            assertThat(visitor.messages("visitor").last()).hasAttribute("data-state", "sent");
            visitor.send("after it");

            assertTexts(agent.messages(), new String[] {"hello", "lost on the way", "after it"});
            assertThat(page.evaluate("window.__sbDropped")).isEqualTo(true);
            assertThat(page.evaluate("window.__sbSockets")).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void markupInMessagesIsShownAsTextOnBothSides() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String img = "<img src=x onerror=alert(1)>";
        String script = "<script>alert(2)</script> & <b>bold</b>";
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());

            visitor.send(img);
            agent.openOnlyConversation();
            agent.reply(script);

            assertTexts(agent.messages(), new String[] {img, script});
            assertTexts(visitor.messages(), new String[] {img, script});
            assertThat(agent.items().first()).containsText(script);
            for (Locator markup : List.of(agent.page.locator("[data-testid=chat-message] img, [data-testid=chat-message] script,"
                            + " [data-testid=chat-message] b, [data-testid=conv-item] script"),
                    visitor.page.locator("[data-testid=sb-message] img, [data-testid=sb-message] script, [data-testid=sb-message] b"))) {
                assertThat(markup).hasCount(0);
            }
            assertThat(BrowserSupport.DIALOGS).isEmpty();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void onAPhoneTheOpenPanelFillsTheScreenAndTheHostPageStylesStayOut() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            WidgetPage visitor = WidgetPage.open(browser.newPhonePage(), base, team.channelKey());
            var box = visitor.page.getByTestId("sb-panel").boundingBox();
            assertThat(box.width).isEqualTo(390);
            assertThat(box.height).isEqualTo(844);
            // The demo page styles every button hot pink with a dotted border; the widget's are untouched.
            String background = (String) visitor.page.getByTestId("sb-send")
                    .evaluate("b => getComputedStyle(b).backgroundColor");
            assertThat(background).isNotEqualTo("rgb(255, 105, 180)");
            visitor.send("from my phone");
            assertThat(visitor.messages("visitor")).hasAttribute("data-state", "sent");
            BrowserSupport.screenshot(visitor.page, "widget-phone");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void queuePositionShowsWhileEveryAgentIsFullAndGoesWhenAssigned() {
        Fixtures.Team team = Fixtures.team(1, 1);
        try {
            WidgetPage first = WidgetPage.open(browser.newPage(), base, team.channelKey());
            first.send("I came first");
            assertThat(first.page.getByTestId("sb-agent-name")).hasText("Agent 1");

            WidgetPage second = WidgetPage.open(browser.newPage(), base, team.channelKey());
            second.send("I have to wait");
            Locator position = second.page.getByTestId("sb-queue-position");
            assertThat(position).isVisible();
            assertThat(position).containsText("1");
            assertThat(second.page.getByTestId("sb-agent-name")).isHidden();
            BrowserSupport.screenshot(second.page, "widget-queued");

            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            assertThat(agent.page.getByTestId("queue-count")).hasText("1");
            assertThat(agent.page.getByTestId("my-load")).hasText("1 / 1");
            agent.page.getByTestId("conv-tab-queue").click();
            assertThat(agent.items()).hasCount(1);
            BrowserSupport.screenshot(agent.page, "console-queue");
            agent.page.getByTestId("conv-tab-open").click();
            agent.openOnlyConversation();
            agent.page.getByTestId("chat-close").click();

            // Capacity freed: the waiting visitor is assigned and the position disappears.
            assertThat(position).isHidden();
            assertThat(second.page.getByTestId("sb-agent-name")).hasText("Agent 1");
            assertThat(agent.page.getByTestId("queue-count")).hasText("0");
            assertThat(agent.items()).hasCount(1);
            assertThat(agent.items().first()).containsText("I have to wait");
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
