package io.switchboard.web;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static io.switchboard.web.ChatInBrowserTest.assertTexts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The console's own behaviour: languages, status and capacity, and surviving a dropped link. */
@QuarkusTest
class ConsoleInBrowserTest {

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    @Test
    void theConsoleSpeaksChineseAndEnglishFollowingTheBrowserAndTheSwitch() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Page zh = browser.newPage("zh-CN");
        ConsolePage console = ConsolePage.open(zh, base);
        assertThat(zh.getByTestId("login-submit")).hasText("登录");
        zh.getByTestId("login-email").fill(team.agents().get(0).email());
        zh.getByTestId("login-password").fill("wrong-password");
        zh.getByTestId("login-submit").click();
        assertThat(zh.getByTestId("login-error")).hasText("邮箱或密码错误。");
        BrowserSupport.screenshot(zh, "console-login-zh");

        console.login(team.agents().get(0).email());
        assertThat(zh.getByTestId("conv-tab-open")).hasText("进行中（0）");
        assertThat(zh.getByTestId("status-switch").locator("option[value=break]")).hasText("小休");
        BrowserSupport.screenshot(zh, "console-zh");

        zh.getByTestId("lang-switch").selectOption("en");
        assertThat(zh.getByTestId("conv-tab-open")).hasText("In progress (0)");
        assertThat(zh.getByTestId("status-switch").locator("option[value=break]")).hasText("On a break");
        // The choice outlives a reload.
        zh.reload();
        assertThat(zh.getByTestId("conv-tab-ended")).hasText("Ended");

        Page en = browser.newPage("en-US");
        ConsolePage.open(en, base);
        assertThat(en.getByTestId("login-submit")).hasText("Sign in");
    }

    @Test
    void theConsoleOpensItsSocketUnderAPolicyThatAllowsOnlyItsOwnOrigin() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Page page = browser.newPage();
        List<String> policies = new CopyOnWriteArrayList<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<String> socketFrames = new CopyOnWriteArrayList<>();
        page.onResponse(r -> {
            if (r.url().endsWith("/console/")) {
                policies.add(String.valueOf(r.headers().get("content-security-policy")));
            }
        });
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) {
                violations.add(m.text());
            }
        });
        page.onWebSocket(ws -> {
            if (ws.url().contains("/ws/agent")) {
                ws.onFrameReceived(f -> socketFrames.add(f.text()));
            }
        });
        ConsolePage.open(page, base).login(team.agents().get(0).email());
        assertThat(policies).singleElement().asString().contains("connect-src 'self';").doesNotContain("ws:");
        // Playwright delivers events only while it is called: wait through it, not beside it.
        page.waitForCondition(() -> !socketFrames.isEmpty(), new Page.WaitForConditionOptions().setTimeout(15_000));
        assertThat(violations).isEmpty();
    }

    @Test
    void statusAndCapacityAreChangedFromTheTopBar() {
        Fixtures.Team team = Fixtures.team(1, 10);
        String email = team.agents().get(0).email();
        ConsolePage console = ConsolePage.open(browser.newPage(), base).login(email);
        Page page = console.page;
        assertThat(page.getByTestId("my-load")).hasText("0 / 10");

        page.getByTestId("status-switch").selectOption("break");
        String jwt = Chat.login(email);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                given().auth().oauth2(jwt).when().get("/api/v1/me").then().body("status", equalTo("break")));

        page.locator("#settings summary").click();
        page.getByTestId("capacity-input").fill("3");
        assertThat(page.getByTestId("capacity-warning")).containsText("below 5");
        page.getByTestId("capacity-save").click();
        assertThat(page.getByTestId("my-load")).hasText("0 / 3");
        assertThat(page.getByTestId("capacity-warning")).isVisible();
        BrowserSupport.screenshot(page, "console-settings");
        given().auth().oauth2(jwt).when().get("/api/v1/me").then().body("maxConcurrent", equalTo(3));

        // Alert switches are remembered by this browser.
        page.getByTestId("alert-sound").uncheck();
        page.reload();
        page.locator("#settings summary").click();
        assertThat(page.getByTestId("alert-sound")).not().isChecked();
        assertThat(page.getByTestId("alert-title")).isChecked();

        page.getByTestId("capacity-input").fill("0");
        page.getByTestId("capacity-save").click();
        assertThat(page.getByTestId("capacity-warning")).containsText("1 to 200");
        given().auth().oauth2(jwt).when().get("/api/v1/me").then().body("maxConcurrent", equalTo(3));
    }

    @Test
    void theListSortsByLatestCustomerMessageWaitingTimeAndAccessTime() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agentWs = Chat.agentSocket(base, jwt);
             WsClient a = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient b = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient c = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            // Assigned in the order A, B, C. The agent answers A and C; then A writes again.
            String idA = arrive(agentWs, a, "a1");
            String idB = arrive(agentWs, b, "b1");
            String idC = arrive(agentWs, c, "c1");
            Chat.send(agentWs, idA, clientId(), "answer to a");
            Chat.send(agentWs, idC, clientId(), "answer to c");
            Chat.send(a, idA, clientId(), "a2");

            ConsolePage console = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = console.page;
            assertThat(console.items()).hasCount(3);
            assertThat(console.item(idA)).hasAttribute("data-unread", "2");

            assertOrder(console, idA, idC, idB); // latest customer message first
            page.getByTestId("conv-sort").selectOption("waiting");
            assertOrder(console, idB, idA, idC); // unreplied first, longest wait on top
            page.getByTestId("conv-sort").selectOption("access");
            assertOrder(console, idC, idB, idA); // latest access first
            page.getByTestId("conv-sort").selectOption("waiting");
            page.getByTestId("conv-filter").selectOption("unreplied");
            assertOrder(console, idB, idA);
            BrowserSupport.screenshot(page, "console-sorted");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** Unread counts while the agent serves a conversation; once it ends, its last words wait for nobody here. */
    @Test
    void anEndedConversationShowsNoUnreadCount() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agentWs = Chat.agentSocket(base, jwt);
             WsClient a = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String idA = arrive(agentWs, a, "a1");
            Chat.send(a, idA, clientId(), "a2");
            ConsolePage console = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            assertThat(console.item(idA)).hasAttribute("data-unread", "2");

            given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + idA + "/close").then().statusCode(200);
            console.page.getByTestId("conv-tab-ended").click();
            assertThat(console.item(idA)).hasAttribute("data-unread", "0");
            assertThat(console.item(idA).locator(".unread")).hasCount(0);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /**
     * Frames redraw the list at any time. A click whose press and release straddle a redraw must
     * still open the conversation: the rows are kept and updated in place, so the row pressed is
     * the row released (a list rebuilt from scratch detached it, and the click was lost).
     */
    @Test
    void aClickOnAConversationSurvivesARedrawBetweenPressAndRelease() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        try (WsClient agentWs = Chat.agentSocket(base, jwt);
             WsClient a = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient b = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String idA = arrive(agentWs, a, "a1");
            String idB = arrive(agentWs, b, "b1");
            ConsolePage console = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = console.page;
            assertOrder(console, idB, idA);

            var box = console.item(idA).boundingBox();
            for (int i = 0; box == null && i < 20; i++) {
                page.waitForTimeout(50); // the row was between two draws: measure it again
                box = console.item(idA).boundingBox();
            }
            assertThat(box).as("A's row on screen").isNotNull();
            page.mouse().move(box.x + box.width / 2, box.y + box.height / 2);
            page.mouse().down();
            // B's new message redraws the list (its unread count) while the button is held on A.
            Chat.send(b, idB, clientId(), "b2");
            assertThat(console.item(idB)).hasAttribute("data-unread", "2");
            page.mouse().up();

            assertThat(console.item(idA)).hasAttribute("aria-selected", "true");
            assertThat(page.locator("#chat-title")).isVisible();
            assertTexts(console.messages(), "a1");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    private static String arrive(WsClient agentWs, WsClient visitor, String text) {
        String id = Chat.send(visitor, null, clientId(), text).path("conversationId").asText();
        agentWs.await(type("assigned", id), Chat.WAIT);
        return id;
    }

    /** The list shows exactly these conversations, top to bottom (the page re-renders on its own schedule). */
    private static void assertOrder(ConsolePage console, String... ids) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(console.items().all().stream().map(l -> l.getAttribute("data-conversation-id")).toList())
                        .containsExactly(ids));
    }

    @Test
    void olderMessagesLoadWhenTheAgentScrollsUp() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String id = Chat.send(visitor, null, clientId(), "m1").path("conversationId").asText();
            for (int i = 2; i <= 120; i++) {
                Chat.send(visitor, id, clientId(), "m" + i);
            }
            ConsolePage console = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            console.openOnlyConversation();
            // The newest page first, ending with the latest message.
            assertThat(console.messages()).hasCount(50);
            assertThat(console.messages().last()).containsText("m120");
            console.messages().last().hover();
            console.page.mouse().wheel(0, -20_000);
            assertThat(console.messages()).hasCount(100);
            console.page.mouse().wheel(0, -20_000);
            assertThat(console.messages()).hasCount(120);
            assertThat(console.messages().first()).containsText("m1");
            assertThat(console.messages().first()).hasAttribute("data-seq", "1");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void whenTheAgentsLinkDropsABannerShowsAndNothingIsLostOnceItIsBack() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            Page page = browser.newPage();
            LinkSwitch link = LinkSwitch.on(page, "/ws/agent");
            ConsolePage agent = ConsolePage.open(page, base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());
            visitor.send("before");
            agent.openOnlyConversation();
            assertTexts(agent.messages(), "before");

            link.cut();
            assertThat(page.getByTestId("link-banner")).isVisible();
            visitor.send("while you were away");
            agent.reply("typed offline");
            assertThat(page.locator("[data-testid=chat-message][data-state=sending]")).hasCount(1);
            BrowserSupport.screenshot(page, "console-link-down");

            link.restore();
            assertThat(page.getByTestId("link-banner")).isHidden();
            assertTexts(agent.messages(), "before", "while you were away", "typed offline");
            assertThat(page.locator("[data-testid=chat-message][data-state=sending]")).hasCount(0);
            assertTexts(visitor.messages(), "before", "while you were away", "typed offline");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void theConsolesSocketOpensWithAOneTimeTicketAndNeverCarriesTheToken() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Page page = browser.newPage();
        // Records every socket URL the page opens (ingress logs would hold them).
        page.addInitScript("""
                (() => {
                  const Native = window.WebSocket;
                  window.socketUrls = [];
                  window.WebSocket = class extends Native {
                    constructor(url, protocols) {
                      super(url, protocols);
                      window.socketUrls.push(String(url));
                    }
                  };
                })();
                """);
        LinkSwitch link = LinkSwitch.on(page, "/ws/agent");
        ConsolePage.open(page, base).login(team.agents().get(0).email());
        assertThat(page.getByTestId("link-banner")).isHidden();

        link.cut();
        assertThat(page.getByTestId("link-banner")).isVisible();
        link.restore();
        assertThat(page.getByTestId("link-banner")).isHidden();

        @SuppressWarnings("unchecked")
        List<String> built = (List<String>) page.evaluate("() => window.socketUrls.filter(u => u.includes('/ws/agent'))");
        assertThat(built).isNotEmpty()
                .allMatch(u -> u.contains("ticket="), "carries a ticket")
                .noneMatch(u -> u.contains("token="));
        // What went over the network, the first socket and every reconnect.
        assertThat(link.urls).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(u -> u.contains("ticket="), "carries a ticket")
                .noneMatch(u -> u.contains("token="));
        // A fresh ticket for every (re)connect: a ticket opens one socket only.
        assertThat(link.urls).doesNotHaveDuplicates();
    }

    @Test
    void whenTheVisitorsLinkDropsWhatTheyTypeIsSentOnceItIsBack() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = browser.newPage();
            LinkSwitch link = LinkSwitch.on(page, "/ws/visitor");
            WidgetPage visitor = WidgetPage.open(page, base, team.channelKey());
            visitor.send("hello");
            agent.openOnlyConversation();

            link.cut();
            visitor.send("typed offline");
            assertThat(visitor.messages().last()).hasAttribute("data-state", "sending");
            agent.reply("answered meanwhile");

            link.restore();
            assertThat(visitor.messages().last()).hasAttribute("data-state", "sent");
            assertTexts(visitor.messages(), "hello", "answered meanwhile", "typed offline");
            assertTexts(agent.messages(), "hello", "answered meanwhile", "typed offline");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /**
     * Stands between a page and the service's socket: {@link #cut()} drops the link and
     * refuses reconnects, as a dead network would, until {@link #restore()}.
     */
    static final class LinkSwitch {
        private final AtomicBoolean down = new AtomicBoolean();
        private final List<WebSocketRoute> open = new CopyOnWriteArrayList<>();
        /** Every socket URL the page asked for, refused ones included. */
        final List<String> urls = new CopyOnWriteArrayList<>();

        static LinkSwitch on(Page page, String path) {
            LinkSwitch link = new LinkSwitch();
            // Playwright hands the pattern to JavaScript, which knows no \Q..\E quoting: the path goes in as it is.
            page.routeWebSocket(Pattern.compile(".*" + path + "\\?.*"), ws -> {
                link.urls.add(ws.url());
                if (link.down.get()) {
                    ws.close();
                    return;
                }
                ws.connectToServer();
                link.open.add(ws);
            });
            return link;
        }

        void cut() {
            down.set(true);
            for (WebSocketRoute ws : open) {
                ws.close();
            }
            open.clear();
        }

        void restore() {
            down.set(false);
        }
    }
}
