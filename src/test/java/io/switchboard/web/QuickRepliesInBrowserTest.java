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
}
