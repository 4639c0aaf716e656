package io.switchboard.web;

import com.microsoft.playwright.Locator;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;

/**
 * Quick replies in the console's composer (A7, C9; UI.md): "/" and a word opens the
 * type-ahead with the replies offered for the conversation, Chinese words found; Enter puts
 * the chosen one in place of "/word" with the visitor's and the agent's names filled in and
 * the rest of the draft kept; a reply limited to another channel is not offered. Once in
 * English and once in Chinese, with screenshots under target/screenshots/.
 */
@QuarkusTest
class QuickRepliesInBrowserTest {

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void slashOpensTheRepliesForTheConversationAndEnterPutsTheChosenOneInTheDraft(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("category", "售后", "title", "退款进度", "text", "{visitor.name}您好，退款已经提交，我是{agent.name}。",
                        "channelIds", List.of()))
                .when().post("/api/v1/admin/quick-replies").then().statusCode(201);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("category", "Shipping", "title", "Delivery time", "text", "Parcels arrive within 3 days.",
                        "channelIds", List.of()))
                .when().post("/api/v1/admin/quick-replies").then().statusCode(201);
        // Limited to another channel of the tenant: never offered here.
        String otherChannel = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Other shop", "kind", "web", "groupId", team.groupId()))
                .when().post("/api/v1/admin/channels").then().statusCode(201).extract().path("id");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("category", "Other", "title", "Other shop refund", "text", "Not for this channel",
                        "channelIds", List.of(otherChannel)))
                .when().post("/api/v1/admin/quick-replies").then().statusCode(201);
        try (WsClient visitor = Chat.visitorSocket(base, given().contentType(ContentType.JSON).body(Map.of("name", "Lin"))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors").then().statusCode(200)
                .extract().<String>path("visitorToken"))) {
            String c = Chat.send(visitor, null, clientId(), "我的退款到哪了？").path("conversationId").asText();
            visitor.await(type("assigned", c), WAIT);

            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            console.openOnlyConversation();
            Locator input = console.page.getByTestId("chat-input");
            input.fill("Thanks! ");
            input.pressSequentially("/退款");
            Locator items = console.page.getByTestId("quick-reply-item");
            assertThat(console.page.getByTestId("quick-reply-list")).isVisible();
            assertThat(items).hasCount(1);
            assertThat(items.first()).containsText("退款进度");
            BrowserSupport.screenshot(console.page, "quick-replies-" + (locale.startsWith("zh") ? "zh-CN" : "en"));

            input.press("Enter");
            assertThat(console.page.getByTestId("quick-reply-list")).hasCount(0);
            assertThat(input).hasValue("Thanks! Lin您好，退款已经提交，我是" + agent.name() + "。");

            // A word of another reply, in the middle of the draft: the rest of the draft stays.
            input.press("Home");
            input.pressSequentially("/deliv ");
            input.press("Backspace");
            assertThat(items).hasCount(1);
            items.first().click();
            assertThat(input).hasValue("Parcels arrive within 3 days.Thanks! Lin您好，退款已经提交，我是" + agent.name() + "。");

            // "/" alone lists what the conversation's channel offers: not the other channel's reply.
            input.fill("/");
            assertThat(items).hasCount(2);
            assertThat(console.page.locator("[data-testid=quick-reply-item]:has-text('Other shop refund')")).hasCount(0);
            input.press("Escape");
            assertThat(console.page.getByTestId("quick-reply-list")).hasCount(0);
            assertThat(input).hasValue("/");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void anAgentKeepsRepliesOfTheirOwnInSettingsAndTheTypeAheadOffersThem(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        try (WsClient visitor = Chat.visitorSocket(base, given().contentType(ContentType.JSON).body(Map.of("name", "Lin"))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors").then().statusCode(200)
                .extract().<String>path("visitorToken"))) {
            String c = Chat.send(visitor, null, clientId(), "When do you open?").path("conversationId").asText();
            visitor.await(type("assigned", c), WAIT);

            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            var page = console.page;
            page.getByTestId("settings-open").click();
            Locator mine = page.getByTestId("my-reply");
            assertThat(mine).hasCount(0);
            page.getByTestId("my-reply-title").fill("Store hours");
            page.getByTestId("my-reply-text").fill("Hi {visitor.name}, we open at 9.");
            page.getByTestId("my-reply-save").click();
            assertThat(mine).hasCount(1);
            assertThat(mine.first()).containsText("Store hours");

            // A placeholder the service does not know is refused where it was typed; nothing is kept.
            page.getByTestId("my-reply-title").fill("Phone");
            page.getByTestId("my-reply-text").fill("Call {visitor.phone}");
            page.getByTestId("my-reply-save").click();
            assertThat(page.getByTestId("my-reply-error")).isVisible();
            assertThat(page.getByTestId("my-reply-error")).containsText("{visitor.phone}");
            assertThat(mine).hasCount(1);

            // A click on a reply puts it in the form to change it.
            mine.first().locator("button").first().click();
            assertThat(page.getByTestId("my-reply-title")).hasValue("Store hours");
            page.getByTestId("my-reply-text").fill("Hi {visitor.name}, we open at 10.");
            page.getByTestId("my-reply-save").click();
            assertThat(mine.first()).containsText("we open at 10.");
            assertThat(page.getByTestId("my-reply-error")).isHidden();
            BrowserSupport.screenshot(page, "my-quick-replies-" + (locale.startsWith("zh") ? "zh-CN" : "en"));
            page.getByTestId("settings-open").click();

            // Offered in the composer like the tenant's, names filled in.
            console.openOnlyConversation();
            Locator input = page.getByTestId("chat-input");
            input.pressSequentially("/store");
            Locator items = page.getByTestId("quick-reply-item");
            assertThat(items).hasCount(1);
            input.press("Enter");
            assertThat(input).hasValue("Hi Lin, we open at 10.");

            page.getByTestId("settings-open").click();
            page.getByTestId("my-reply-delete").click();
            assertThat(mine).hasCount(0);
            String jwt = Chat.login(agent.email());
            org.assertj.core.api.Assertions.assertThat(given().auth().oauth2(jwt).when().get("/api/v1/me/quick-replies")
                    .then().statusCode(200).extract().<List<Object>>path("")).isEmpty();
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
