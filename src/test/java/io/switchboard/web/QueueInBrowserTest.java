package io.switchboard.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.web.ChatInBrowserTest.assertTexts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's queue view and the widget's out-of-hours notice (issue 4, B4 and B5), in
 * real Chromium against the running service.
 */
@QuarkusTest
class QueueInBrowserTest {

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    private static Locator queueItems(ConsolePage console) {
        return console.page.getByTestId("queue-item");
    }

    private static Locator queueItem(ConsolePage console, String conversationId) {
        return console.page.locator("[data-testid=queue-item][data-conversation-id='" + conversationId + "']");
    }

    /** A second web channel on the team's group; returns {id, key}. */
    private static String[] channel(Fixtures.Team team, String name) {
        String id = UUID.randomUUID().toString();
        String key = "web-" + id.substring(0, 8);
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', ?, ?, 's', ?)")) {
            ps.setObject(1, UUID.fromString(id));
            ps.setObject(2, UUID.fromString(team.tenantId()));
            ps.setString(3, name);
            ps.setString(4, key);
            ps.setObject(5, UUID.fromString(team.groupId()));
            ps.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new String[] {id, key};
    }

    /** Starts a conversation from a socket visitor and waits until it is queued at the given position. */
    private static String queuedVisitor(WsClient visitor, String text, int position) {
        String id = Chat.send(visitor, null, clientId(), text).path("conversationId").asText();
        Chat.received(visitor, Chat.queuedAt(id, position));
        return id;
    }

    @Test
    void anAgentAtTheLimitSeesWhoWaitsFiltersThemAndPicksOneUp() {
        Fixtures.Team team = Fixtures.team(1, 1);
        String[] vip = channel(team, "VIP line");
        try (WsClient first = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient third = Chat.visitorSocket(base, Chat.visitor(vip[1]).token())) {
            String served = Chat.send(first, null, clientId(), "I came first").path("conversationId").asText();
            Chat.received(first, Chat.type("assigned", served));

            // The agent is full (1 / 1): the widget visitor waits first in line, the VIP visitor second.
            WidgetPage waiting = WidgetPage.open(browser.newPage(), base, team.channelKey());
            waiting.send("I have to wait");
            assertThat(waiting.page.getByTestId("sb-queue-position")).containsText("1");
            String later = queuedVisitor(third, "me too, from the VIP line", 2);

            ConsolePage console = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = console.page;
            assertThat(page.getByTestId("my-load")).hasText("1 / 1");
            page.getByTestId("conv-tab-queue").click();
            assertThat(queueItems(console)).hasCount(2);
            Locator head = queueItems(console).first();
            String waitingId = head.getAttribute("data-conversation-id");
            assertThat(waitingId).isNotEqualTo(later);
            assertThat(head).hasAttribute("data-hold", "none");
            assertThat(head.getByTestId("queue-position")).hasText("1");
            assertThat(head).containsText("Web");
            assertThat(head.getByTestId("queue-wait")).containsText("Waiting");
            assertThat(queueItem(console, later).getByTestId("queue-position")).hasText("2");
            assertThat(queueItem(console, later)).containsText("VIP line");
            assertThat(page.getByTestId("conv-tab-queue")).hasText("Queue (2)");
            // The waiting time ticks on its own.
            String before = head.getByTestId("queue-wait").textContent();
            assertThat(head.getByTestId("queue-wait")).not().hasText(before);
            BrowserSupport.screenshot(page, "console-queue-view");

            // Filters: by channel, then by minimum waiting time; the server does the filtering.
            page.getByTestId("queue-filter-channel").selectOption(vip[0]);
            assertThat(queueItems(console)).hasCount(1);
            assertThat(queueItems(console)).hasAttribute("data-conversation-id", later);
            page.getByTestId("queue-filter-wait").selectOption("600");
            assertThat(queueItems(console)).hasCount(0);
            assertThat(page.locator("#queue-list")).containsText("Nobody waiting matches these filters.");
            page.getByTestId("queue-filter-wait").selectOption("0");
            page.getByTestId("queue-filter-channel").selectOption("");
            assertThat(queueItems(console)).hasCount(2);

            // Pick-up beyond the limit: the conversation opens in progress and the visitor learns who serves them.
            queueItem(console, waitingId).getByTestId("queue-pickup").click();
            assertThat(page.getByTestId("conv-tab-open")).hasAttribute("aria-selected", "true");
            assertThat(console.messages("visitor")).containsText("I have to wait");
            assertThat(page.getByTestId("chat-input")).isVisible();
            assertThat(page.getByTestId("my-load")).hasText("2 / 1");
            assertThat(waiting.page.getByTestId("sb-agent-name")).hasText("Agent 1");
            assertThat(waiting.page.getByTestId("sb-queue-position")).isHidden();
            console.reply("Thanks for waiting");
            assertThat(waiting.messages("agent")).containsText("Thanks for waiting");

            // The one left moves up to the head of the queue.
            Chat.received(third, Chat.queuedAt(later, 1));
            page.getByTestId("conv-tab-queue").click();
            assertThat(queueItems(console)).hasCount(1);
            assertThat(queueItem(console, later).getByTestId("queue-position")).hasText("1");
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open' and assignee_id = ?",
                    waitingId, team.agents().get(0).id())).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void outOfHoursTheVisitorIsToldAndTheQueueShowsTheOfflineMessage() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        // The team's only group gets an empty schedule (always closed), and a catch-all rule sends everyone there.
        as(admin).body(Map.of("alwaysOpen", false, "timeZone", "Europe/Paris"))
                .when().put("/api/v1/admin/groups/" + team.groupId()).then().statusCode(200);
        as(admin).body(Map.of("name", "everyone", "position", 1, "groupIds", List.of(team.groupId()),
                        "conditions", List.of(), "outOfHoursText", "We are closed until Monday 9:00."))
                .when().post("/api/v1/admin/rules").then().statusCode(201);
        try {
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());
            visitor.send("Is anyone there? <b>hello</b>");
            Locator notice = visitor.page.getByTestId("sb-out-of-hours");
            assertThat(notice).isVisible();
            assertThat(notice).containsText("We are closed until Monday 9:00.");
            assertThat(notice).containsText("your message is kept");
            assertThat(visitor.messages("visitor")).hasAttribute("data-state", "sent");
            assertThat(visitor.page.getByTestId("sb-notice")).isVisible();
            // The visitor may keep writing; the notice stays where it was said, after the first message.
            visitor.send("My order is 42");
            assertThat(visitor.messages("visitor").last()).hasAttribute("data-state", "sent");
            BrowserSupport.screenshot(visitor.page, "widget-out-of-hours");
            visitor.reload();
            assertThat(notice).isVisible();
            assertThat(notice).containsText("We are closed until Monday 9:00.");
            assertTexts(visitor.messages(), "Is anyone there? <b>hello</b>", "My order is 42");
            assertThat(visitor.page.locator("[data-testid=sb-message]:first-of-type + [data-testid=sb-out-of-hours]"))
                    .hasCount(1);

            ConsolePage console = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = console.page;
            page.getByTestId("conv-tab-queue").click();
            assertThat(queueItems(console)).hasCount(1);
            Locator item = queueItems(console).first();
            String id = item.getAttribute("data-conversation-id");
            assertThat(item).hasAttribute("data-hold", "offline");
            assertThat(item.getByTestId("queue-label-offline")).hasText("Offline message");
            page.getByTestId("lang-switch").selectOption("zh-CN");
            assertThat(item.getByTestId("queue-label-offline")).hasText("留言");
            assertThat(item.getByTestId("queue-pickup")).hasText("接入");
            page.getByTestId("lang-switch").selectOption("en");
            BrowserSupport.screenshot(page, "console-queue-offline");

            // Picked up by hand although the group is closed; it stays recognisable as an offline message.
            item.getByTestId("queue-pickup").click();
            assertThat(console.messages("visitor")).hasCount(2);
            assertThat(page.getByTestId("chat-label-offline")).isVisible();
            assertThat(visitor.page.getByTestId("sb-agent-name")).hasText("Agent 1");
            console.reply("Good morning, looking at order 42");
            assertThat(visitor.messages("agent")).containsText("Good morning, looking at order 42");
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'open' and hold is null", id))
                    .isOne();
            // A fresh console knows it too, from the conversation's routing events.
            ConsolePage again = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            again.openOnlyConversation();
            assertThat(again.page.getByTestId("chat-label-offline")).isVisible();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aPickUpThatLosesTheRaceOrComesFromAnOfflineAgentSaysWhy() {
        Fixtures.Team team = Fixtures.team(2, 1);
        String rival = Chat.login(team.agents().get(1).email());
        try (WsClient a = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient b = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient c = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient d = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            // Both agents full; one visitor waits.
            Chat.received(a, Chat.type("assigned", Chat.send(a, null, clientId(), "a").path("conversationId").asText()));
            Chat.received(b, Chat.type("assigned", Chat.send(b, null, clientId(), "b").path("conversationId").asText()));
            String contested = queuedVisitor(c, "who takes me?", 1);

            ConsolePage console = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = console.page;
            page.getByTestId("conv-tab-queue").click();
            assertThat(queueItem(console, contested)).isVisible();

            // The other agent is faster: their pick-up lands while ours is on its way.
            AtomicInteger raced = new AtomicInteger();
            page.route("**/api/v1/conversations/*/pickup", route -> {
                if (raced.getAndIncrement() == 0) {
                    as(rival).when().post("/api/v1/conversations/" + contested + "/pickup").then().statusCode(200);
                }
                route.resume();
            });
            queueItem(console, contested).getByTestId("queue-pickup").click();
            Locator error = page.getByTestId("queue-error");
            assertThat(error).isVisible();
            assertThat(error).containsText("no longer waiting");
            assertThat(queueItem(console, contested)).hasCount(0);
            assertThat(page.getByTestId("conv-tab-queue")).hasAttribute("aria-selected", "true");
            assertThat(page.getByTestId("my-load")).hasText("1 / 1");
            BrowserSupport.screenshot(page, "console-queue-race");
            assertThat(raced.get()).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ?",
                    contested, team.agents().get(1).id())).isOne();

            // Offline agents cannot pick up: said plainly, nothing assigned.
            page.getByTestId("queue-error").getByRole(com.microsoft.playwright.options.AriaRole.BUTTON).click();
            assertThat(error).isHidden();
            page.getByTestId("status-switch").selectOption("offline");
            String next = queuedVisitor(d, "anyone?", 1);
            assertThat(queueItem(console, next)).isVisible();
            queueItem(console, next).getByTestId("queue-pickup").click();
            assertThat(error).containsText("You are offline");
            assertThat(queueItem(console, next)).isVisible();
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", next)).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aSupervisorSeesAnUnmatchedConversationAndAssignsItByHand() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        // One rule, for billing pages only: a visitor from anywhere else matches nothing.
        as(admin).body(Map.of("name", "billing", "position", 1, "groupIds", List.of(team.groupId()),
                        "conditions", List.of(Map.of("type", "pageUrl", "match", "contains", "pattern", "/billing"))))
                .when().post("/api/v1/admin/rules").then().statusCode(201);
        var body = given().contentType(ContentType.JSON).body(Map.of("attributes", Map.of("pageUrl", "https://shop.example/careers")))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors").then().statusCode(200).extract();
        try (WsClient visitor = Chat.visitorSocket(base, body.path("visitorToken"))) {
            ConsolePage console = ConsolePage.open(browser.newPage(), base).loginWithoutStatus(team.adminEmail());
            Page page = console.page;
            page.getByTestId("conv-tab-queue").click();
            assertThat(page.locator("#queue-list")).containsText("Nobody is waiting.");

            // Heard at once through the unmatched notice.
            String id = Chat.send(visitor, null, clientId(), "a question about jobs").path("conversationId").asText();
            Locator item = queueItem(console, id);
            assertThat(item).isVisible();
            assertThat(item).hasAttribute("data-hold", "unmatched");
            assertThat(item.getByTestId("queue-label-unmatched")).hasText("No rule matched");
            // Not an agent: no pick-up for themselves, but assignment by hand.
            assertThat(item.getByTestId("queue-pickup")).hasCount(0);
            item.getByTestId("queue-assign").selectOption(team.agents().get(0).id());
            BrowserSupport.screenshot(page, "console-queue-unmatched");
            item.getByTestId("queue-assign-submit").click();
            assertThat(item).hasCount(0);
            Chat.received(visitor, Chat.type("assigned", id));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ?",
                    id, team.agents().get(0).id())).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
