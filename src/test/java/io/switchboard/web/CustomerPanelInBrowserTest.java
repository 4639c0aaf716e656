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
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;

/**
 * The customer panel in the console (C10, F4; UI.md hooks): the visitor's pages and the search
 * that brought them, their past conversation, which opens on a click; what the visitor's
 * browser said is shown as text, never as markup. Once in English and once in Chinese, with
 * screenshots under target/screenshots/.
 */
@QuarkusTest
class CustomerPanelInBrowserTest {

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void thePanelShowsThePagesTheSearchAndThePastConversationWhichOpensOnAClick(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String jwt = Chat.login(agent.email());
        String token = given().contentType(ContentType.JSON).body(Map.of("name", "Lin"))
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors").then().statusCode(200)
                .extract().path("visitorToken");
        try (WsClient v = Chat.visitorSocket(base, token)) {
            String first = Chat.send(v, null, clientId(), "Is my parcel on its way?").path("conversationId").asText();
            v.await(type("assigned", first), WAIT);
            given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + first + "/close").then().statusCode(200);
            v.await(type("closed", first), WAIT);

            v.send(frame("page", "url", "https://shop.example/refunds", "title", "Refunds <img src=x onerror=alert(1)>",
                    "referrer", "https://www.baidu.com/s?wd=%E9%80%80%E6%AC%BE"));
            v.send(frame("page", "url", "https://shop.example/orders/SO-42", "title", "Order SO-42"));
            String second = Chat.send(v, null, clientId(), "我的退款到哪了？").path("conversationId").asText();
            v.await(type("assigned", second), WAIT);

            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            console.item(second).click();
            Locator panel = console.page.getByTestId("customer-panel");
            assertThat(panel.locator("[data-testid=customer-field][data-field=searchKeyword]")).hasText("退款");
            assertThat(panel.locator("[data-testid=customer-field][data-field=searchEngine]"))
                    .hasText(locale.startsWith("zh") ? "百度" : "Baidu");
            Locator pages = panel.getByTestId("customer-page");
            assertThat(pages).hasCount(2);
            assertThat(pages.first()).containsText("Order SO-42");
            assertThat(pages.nth(1)).containsText("Refunds <img src=x onerror=alert(1)>");
            assertThat(panel.locator("img")).hasCount(0);
            assertThat(pages.first().locator("a")).hasAttribute("href", "https://shop.example/orders/SO-42");
            assertThat(pages.first().locator("a")).hasAttribute("rel", "noopener noreferrer nofollow");
            Locator past = panel.locator("[data-testid=customer-past][data-conversation-id='" + first + "']");
            assertThat(past).containsText("Is my parcel on its way?");
            BrowserSupport.screenshot(console.page, "customer-panel-" + (locale.startsWith("zh") ? "zh-CN" : "en"));

            past.click();
            assertThat(console.page.getByTestId("chat-message").first()).containsText("Is my parcel on its way?");
            assertThat(console.page.getByTestId("chat-input")).isHidden();
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
