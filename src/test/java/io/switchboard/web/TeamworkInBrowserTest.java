package io.switchboard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.util.Map;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teamwork in a conversation (C6 transfer, C7 internal notes, C8 survey) as agents and a
 * visitor live it: console and widget in real Chromium against the running service. The
 * transfer and survey runs go once in English and once in Chinese and leave screenshots of
 * the dialog, the note and rating, and the survey card under target/screenshots/.
 */
@QuarkusTest
class TeamworkInBrowserTest {

    /** The console's tint for internal notes (console.css --note). */
    private static final String NOTE_TINT = "rgb(255, 248, 197)";

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    private static void status(String jwt, String status) {
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("status", status))
                .when().put("/api/v1/agents/me/status").then().statusCode(200);
    }

    private static String lang(String locale) {
        return locale.startsWith("zh") ? "zh-CN" : "en";
    }

    private static Locator notes(ConsolePage console) {
        return console.page.locator("[data-testid=chat-message][data-internal=true]");
    }

    /**
     * The message's bubble, for its background colour. Asserted with Playwright's retrying
     * {@code hasCSS}: a message is drawn again when its ack or its echo arrives, and a style
     * read once from a bubble being replaced may come back as "" (seen on a busy machine).
     */
    private static Locator bubble(Locator message) {
        return message.locator(".bubble");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void aTransferGoesToTheChosenAgentWithItsNoteAndTheVisitorSeesTheNewAgent(String locale) {
        Fixtures.Team team = Fixtures.team(3, 5);
        Fixtures.Agent one = team.agents().get(0);
        Fixtures.Agent two = team.agents().get(1);
        Fixtures.Agent three = team.agents().get(2);
        String jwtOne = Chat.login(one.email());
        String jwtTwo = Chat.login(two.email());
        String jwtThree = Chat.login(three.email());
        try {
            // Only Agent 1 is there when our visitor writes.
            status(jwtTwo, "break");
            status(jwtThree, "break");
            ConsolePage first = ConsolePage.open(browser.newPage(locale), base).login(one.email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(locale), base, team.channelKey());
            visitor.send("My parcel is lost");
            assertThat(visitor.page.getByTestId("sb-agent-name")).hasText("Agent 1");
            String conversationId = first.openOnlyConversation();

            // Agent 2 serves another visitor, so they carry some load (1 / 5) and then go on a break.
            status(jwtOne, "break");
            status(jwtTwo, "online");
            Chat.Visitor other = Chat.visitor(team.channelKey());
            try (WsClient ws = Chat.visitorSocket(base, other.token())) {
                Chat.send(ws, null, Chat.clientId(), "Hello");
                JsonNode assigned = ws.await(Chat.type("assigned"), Chat.WAIT);
                assertThat(assigned.path("agent").path("id").asText()).isEqualTo(two.id());
            }
            status(jwtTwo, "break");
            status(jwtOne, "online");
            ConsolePage third = ConsolePage.open(browser.newPage(locale), base).login(three.email());
            status(jwtThree, "online");

            // The dialog lists the others, least busy first, with their status and saturation; the group too.
            first.page.getByTestId("chat-transfer").click();
            Locator dialog = first.page.getByTestId("transfer-dialog");
            assertThat(dialog).isVisible();
            Locator targets = first.page.getByTestId("transfer-target");
            assertThat(targets).hasCount(2);
            assertThat(targets.nth(0)).hasAttribute("data-agent-id", three.id());
            assertThat(targets.nth(0)).hasAttribute("data-status", "online");
            assertThat(Double.parseDouble(targets.nth(0).getAttribute("data-saturation"))).isEqualTo(0.0);
            assertThat(targets.nth(1)).hasAttribute("data-agent-id", two.id());
            assertThat(targets.nth(1)).hasAttribute("data-status", "break");
            assertThat(Double.parseDouble(targets.nth(1).getAttribute("data-saturation"))).isEqualTo(0.2);
            assertThat(first.page.getByTestId("transfer-group")).hasAttribute("data-group-id", team.groupId());
            assertThat(first.page.getByTestId("transfer-submit")).isDisabled();

            // Escape closes it; the keyboard opens it again.
            first.page.keyboard().press("Escape");
            assertThat(dialog).isHidden();
            first.page.getByTestId("chat-transfer").focus();
            first.page.keyboard().press("Enter");
            assertThat(dialog).isVisible();
            assertThat(targets).hasCount(2);

            String note = "Parcel 10 is lost <b>refund</b> agreed";
            first.page.getByTestId("transfer-note").fill(note);
            targets.nth(1).click();
            first.page.keyboard().press("ArrowUp");
            assertThat(targets.nth(0)).hasAttribute("aria-checked", "true");
            assertThat(targets.nth(1)).hasAttribute("aria-checked", "false");
            BrowserSupport.screenshot(first.page, "teamwork-transfer-dialog-" + lang(locale));
            first.page.getByTestId("transfer-submit").click();
            assertThat(dialog).isHidden();
            // It leaves the old assignee's list, with a word about where it went.
            assertThat(first.item(conversationId)).hasCount(0);
            assertThat(first.page.getByTestId("chat-notice")).containsText("Agent 3");

            // The new assignee has it, with the note and the transfer's line in the transcript.
            third.item(conversationId).click();
            Locator received = third.page.getByTestId("chat-transfer-note");
            assertThat(received).containsText("Agent 1");
            assertThat(received).containsText(note);
            assertThat(third.messages("visitor")).containsText(new String[] {"My parcel is lost"});
            assertThat(third.page.locator("[data-testid=chat-message][data-transfer]")).hasCount(1);
            assertThat(third.page.locator("[data-testid=chat-message][data-transfer]")).hasAttribute("data-sender", "system");

            // The visitor is told who serves them now, and the new agent's reply reaches them.
            assertThat(visitor.page.getByTestId("sb-agent-name")).hasText("Agent 3");
            third.reply("I have your parcel case now");
            assertThat(visitor.messages("agent").last()).containsText("I have your parcel case now");
            BrowserSupport.screenshot(third.page, "teamwork-transfer-received-" + lang(locale));
            assertThat(BrowserSupport.DIALOGS).isEmpty();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anInvitedExpertFollowsTheConversationWritesANoteAndLeaves() {
        Fixtures.Team team = Fixtures.team(2, 5);
        Fixtures.Agent one = team.agents().get(0);
        Fixtures.Agent two = team.agents().get(1);
        String jwtTwo = Chat.login(two.email());
        try {
            status(jwtTwo, "break");
            ConsolePage first = ConsolePage.open(browser.newPage(), base).login(one.email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());
            visitor.send("I need a technical answer");
            assertThat(visitor.page.getByTestId("sb-agent-name")).hasText("Agent 1");
            String conversationId = first.openOnlyConversation();
            ConsolePage second = ConsolePage.open(browser.newPage(), base).login(two.email());

            // The invite dialog offers agents only, the expert-to-be on a break included.
            first.page.getByTestId("chat-invite").click();
            assertThat(first.page.getByTestId("transfer-dialog")).isVisible();
            Locator experts = first.page.getByTestId("invite-target");
            assertThat(experts).hasCount(1);
            assertThat(experts).hasAttribute("data-agent-id", two.id());
            assertThat(experts).hasAttribute("data-status", "break");
            assertThat(first.page.getByTestId("transfer-target")).hasCount(0);
            assertThat(first.page.getByTestId("transfer-group")).hasCount(0);
            experts.click();
            first.page.getByTestId("invite-submit").click();
            assertThat(first.page.getByTestId("transfer-dialog")).isHidden();
            assertThat(first.page.locator("[data-testid=chat-participant][data-agent-id='" + two.id() + "']"))
                    .containsText("Agent 2");

            // The expert gets the conversation with its history, may not transfer it, and writes a note.
            second.item(conversationId).click();
            assertThat(second.messages("visitor")).containsText(new String[] {"I need a technical answer"});
            assertThat(second.page.getByTestId("chat-transfer")).isHidden();
            second.page.getByTestId("chat-note-toggle").click();
            second.reply("Tell them to use the reset procedure");
            assertThat(notes(first)).containsText(new String[] {"Tell them to use the reset procedure"});
            assertThat(bubble(notes(first))).hasCSS("background-color", NOTE_TINT);
            second.page.getByTestId("chat-note-toggle").click();
            second.reply("Hello, I am the specialist");
            assertThat(visitor.messages("agent").last()).containsText("Hello, I am the specialist");
            assertThat(visitor.page.getByTestId("sb-panel")).not().containsText("reset procedure");

            // Still theirs after a reload; then they leave and it goes from their list.
            second.page.reload();
            second.item(conversationId).click();
            assertThat(second.messages()).hasCount(3);
            second.page.locator("[data-testid=participant-remove][data-agent-id='" + two.id() + "']").click();
            assertThat(second.item(conversationId)).hasCount(0);
            assertThat(second.page.getByTestId("chat-notice")).isVisible();
            first.page.reload();
            first.item(conversationId).click();
            assertThat(first.messages()).hasCount(3);
            assertThat(first.page.getByTestId("chat-participants")).isHidden();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** Hands every frame holding {@code marker} to the page twice, the second time a second later. */
    private static String repeatFrames(String marker) {
        return """
                (() => {
                  const Native = window.WebSocket;
                  const marker = %s;
                  window.__sbRepeated = 0;
                  class Twice extends Native {
                    addEventListener(type, listener, options) {
                      if (type !== 'message') {
                        return super.addEventListener(type, listener, options);
                      }
                      return super.addEventListener(type, e => {
                        listener.call(this, e);
                        if (typeof e.data === 'string' && e.data.includes(marker)) {
                          setTimeout(() => { listener.call(this, e); window.__sbRepeated++; }, 1000);
                        }
                      }, options);
                    }
                  }
                  window.WebSocket = Twice;
                })();
                """.formatted("'" + marker + "'");
    }

    @Test
    void anInvitationDeliveredTwiceIsNoticedOnceAndADismissedNoticeStaysDismissed() {
        Fixtures.Team team = Fixtures.team(2, 5);
        Fixtures.Agent one = team.agents().get(0);
        Fixtures.Agent two = team.agents().get(1);
        String jwtOne = Chat.login(one.email());
        String jwtTwo = Chat.login(two.email());
        try {
            status(jwtTwo, "break");
            Page page = browser.newPage();
            page.addInitScript(repeatFrames("\"type\":\"invited\""));
            ConsolePage second = ConsolePage.open(page, base).login(two.email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());
            visitor.send("I need a technical answer");
            assertThat(visitor.page.getByTestId("sb-agent-name")).hasText("Agent 1");
            String conversationId = given().auth().oauth2(jwtOne).when().get("/api/v1/conversations?state=open")
                    .then().statusCode(200).extract().path("[0].id");
            given().auth().oauth2(jwtOne).contentType(ContentType.JSON).body(Map.of("agentId", two.id()))
                    .when().post("/api/v1/conversations/" + conversationId + "/participants").then().statusCode(200);

            Locator notice = second.page.getByTestId("chat-notice");
            assertThat(notice).isVisible();
            assertThat(second.item(conversationId)).hasCount(1);
            notice.locator("button").click();
            assertThat(notice).isHidden();
            // The same frame again, as a sweep on another replica may send it: nothing new to say.
            // (Polled from here: the console's CSP forbids the eval that waitForFunction would need.)
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (((Number) second.page.evaluate("window.__sbRepeated")).intValue() < 1 && System.nanoTime() < deadline) {
                second.page.waitForTimeout(100);
            }
            assertThat(((Number) second.page.evaluate("window.__sbRepeated")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(notice).isHidden();
            assertThat(second.item(conversationId)).hasCount(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anInternalNoteIsTintedForTheAgentAndNeverReachesTheWidget() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = browser.newPage();
            page.addInitScript(INJECTOR);
            WidgetPage visitor = WidgetPage.open(page, base, team.channelKey());
            visitor.send("Can I change my address?");
            String conversationId = agent.openOnlyConversation();

            Locator toggle = agent.page.getByTestId("chat-note-toggle");
            assertThat(toggle).hasAttribute("aria-pressed", "false");
            toggle.click();
            assertThat(toggle).hasAttribute("aria-pressed", "true");
            assertThat(agent.page.locator("#composer")).hasClass(Pattern.compile("note-mode"));
            agent.reply("Address changes need a supervisor");
            assertThat(notes(agent)).hasCount(1);
            assertThat(notes(agent)).containsText(new String[] {"Address changes need a supervisor"});
            assertThat(notes(agent)).containsText(new String[] {"Internal note"});
            assertThat(notes(agent)).hasAttribute("data-seq", "2");
            assertThat(bubble(notes(agent))).hasCSS("background-color", NOTE_TINT);

            toggle.click();
            assertThat(toggle).hasAttribute("aria-pressed", "false");
            agent.reply("Yes, you can change it here");
            Locator visible = agent.page.locator("[data-testid=chat-message][data-internal=false][data-sender=agent]");
            assertThat(visible).hasCount(1);
            assertThat(visible).hasAttribute("data-seq", "3");
            assertThat(bubble(visible)).not().hasCSS("background-color", NOTE_TINT);

            // The visitor gets the visible reply and never the note, live or after a reload.
            assertThat(visitor.messages("agent")).hasCount(1);
            assertThat(visitor.messages("agent")).containsText(new String[] {"Yes, you can change it here"});
            assertThat(visitor.page.getByTestId("sb-panel")).not().containsText("supervisor");
            // Not even that someone typed: the one typing frame the visitor got is the visible reply's.
            assertThat(page.evaluate("window.__sbTyping")).isEqualTo(1);
            visitor.reload();
            assertThat(visitor.messages()).hasCount(2);
            assertThat(visitor.page.getByTestId("sb-panel")).not().containsText("supervisor");
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and internal", conversationId))
                    .isEqualTo(1);

            // The note stays a note for staff after a reload of the console.
            agent.page.reload();
            agent.item(conversationId).click();
            assertThat(notes(agent)).hasCount(1);
            assertThat(agent.messages()).hasCount(3);
            BrowserSupport.screenshot(agent.page, "teamwork-note-en");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** Replaces the page's WebSocket so a test can hand the widget a frame as if the service had sent it. */
    private static final String INJECTOR = """
            (() => {
              const Native = window.WebSocket;
              class Tapped extends Native {
                constructor(...args) {
                  super(...args);
                  window.__sbSocket = this;
                  this.addEventListener('message', e => {
                    if (JSON.parse(e.data).type === 'typing') {
                      window.__sbTyping++;
                    }
                  });
                }
              }
              window.__sbTyping = 0;
              window.WebSocket = Tapped;
              window.__sbInject = frame => window.__sbSocket.dispatchEvent(
                  new MessageEvent('message', {data: JSON.stringify(frame)}));
            })();
            """;

    @Test
    void theWidgetDoesNotShowAnInternalMessageEvenIfOneReachesIt() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = browser.newPage();
            page.addInitScript(INJECTOR);
            WidgetPage visitor = WidgetPage.open(page, base, team.channelKey());
            visitor.send("Hello");
            String conversationId = agent.openOnlyConversation();
            agent.reply("Hi there");
            assertThat(visitor.messages("agent")).hasCount(1);

            // A real note (seq 3), then the same note handed to the widget as if the service had leaked it.
            agent.page.getByTestId("chat-note-toggle").click();
            agent.reply("secret staff note");
            assertThat(notes(agent)).hasAttribute("data-seq", "3");
            agent.page.getByTestId("chat-note-toggle").click();
            page.evaluate("id => window.__sbInject({type: 'message', conversationId: id, seq: 3, internal: true,"
                    + " sender: {kind: 'agent', name: 'Agent 1'}, text: 'secret staff note', sentAt: new Date().toISOString()})",
                    conversationId);
            agent.reply("Anything else?");
            assertThat(visitor.messages("agent")).hasCount(2);
            assertThat(visitor.messages("agent").last()).containsText("Anything else?");
            assertThat(visitor.page.getByTestId("sb-panel")).not().containsText("secret staff note");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** Counts the socket frames of a type a page receives, in window.__sbFrames[type]. */
    private static final String FRAME_COUNTER = """
            (() => {
              const Native = window.WebSocket;
              window.__sbFrames = {};
              class Counted extends Native {
                constructor(...args) {
                  super(...args);
                  this.addEventListener('message', e => {
                    const type = JSON.parse(e.data).type;
                    window.__sbFrames[type] = (window.__sbFrames[type] || 0) + 1;
                  });
                }
              }
              window.WebSocket = Counted;
            })();
            """;

    @Test
    void aSupervisorGetsOtherAgentsNotesLiveWithoutTheirConversationsJoiningTheirList() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            Page page = browser.newPage();
            page.addInitScript(FRAME_COUNTER);
            ConsolePage supervisor = ConsolePage.open(page, base).loginWithoutStatus(team.adminEmail());
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());
            visitor.send("Hello");
            agent.openOnlyConversation();
            agent.page.getByTestId("chat-note-toggle").click();
            agent.reply("A note the supervisor may read");
            assertThat(notes(agent)).hasAttribute("data-seq", "2");

            // The note's frame reached the supervisor's console and was drawn (two animation frames later)...
            page.waitForFunction("(window.__sbFrames.message || 0) >= 1");
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            // ...and the agent's conversation did not join the supervisor's own list.
            assertThat(supervisor.items()).hasCount(0);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void theVisitorRatesOnceAndTheConsoleShowsTheRating(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(locale), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(locale), base, team.channelKey());
            visitor.send("Thanks for sorting out my refund");
            String conversationId = agent.openOnlyConversation();
            agent.reply("You are welcome!");
            agent.page.getByTestId("chat-note-toggle").click();
            agent.reply("Refund 10 done, customer happy");
            agent.page.getByTestId("chat-note-toggle").click();
            assertThat(notes(agent)).hasCount(1);
            assertThat(visitor.messages("agent")).hasCount(1);

            agent.page.getByTestId("chat-survey").click();
            Locator card = visitor.page.getByTestId("sb-survey");
            assertThat(card).isVisible();
            assertThat(visitor.page.getByTestId("sb-rate")).hasCount(5);
            assertThat(visitor.page.getByTestId("sb-rate-submit")).isDisabled();
            visitor.page.locator("[data-testid=sb-rate][data-score='4']").click();
            visitor.page.getByTestId("sb-rate-comment").fill("Quick and kind <i>help</i>");
            BrowserSupport.screenshot(visitor.page, "teamwork-widget-survey-" + lang(locale));
            visitor.page.getByTestId("sb-rate-submit").click();
            assertThat(visitor.page.getByTestId("sb-rate-thanks")).isVisible();
            assertThat(visitor.page.getByTestId("sb-rate")).hasCount(0);
            BrowserSupport.screenshot(visitor.page, "teamwork-widget-thanks-" + lang(locale));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and rating = 4", conversationId))
                    .isEqualTo(1);

            // The console shows the rating in the chat and on the conversation's row.
            Locator rating = agent.page.getByTestId("chat-rating");
            assertThat(rating).hasAttribute("data-score", "4");
            assertThat(rating).containsText("Quick and kind <i>help</i>");
            assertThat(agent.item(conversationId).getByTestId("conv-rating")).hasAttribute("data-score", "4");
            BrowserSupport.screenshot(agent.page, "teamwork-note-and-rating-" + lang(locale));

            // Rated once: a second survey is refused and the agent is told why.
            agent.page.getByTestId("chat-survey").click();
            Locator notice = agent.page.getByTestId("chat-notice");
            assertThat(notice).hasAttribute("data-level", "error");
            assertThat(notice).isVisible();

            // Once per conversation: after a reload the visitor sees the thanks, not the card again.
            visitor.reload();
            assertThat(visitor.page.getByTestId("sb-rate-thanks")).isVisible();
            assertThat(visitor.page.getByTestId("sb-rate")).hasCount(0);
            assertThat(BrowserSupport.DIALOGS).isEmpty();
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
