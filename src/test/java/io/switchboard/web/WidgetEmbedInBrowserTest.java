package io.switchboard.web;

import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What customers embed: one script tag naming /widget.js on a page of their own origin. The
 * widget is a bundled ES module behind that loader; it must load across origins, work, and
 * leave nothing in the page's global scope but window.SwitchboardWidget.
 */
@QuarkusTest
class WidgetEmbedInBrowserTest {


    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    @Test
    void theWidgetWorksFromOneScriptTagOnAnotherOriginAndKeepsOutOfThePagesGlobals() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        String service = base.toString().replaceAll("/$", "");

        // The page's own globals, among them names a minifier likes, recorded before the widget loads.
        String shopPage = """
                <!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body>
                <h1>Shop</h1>
                <script>var a = 'shop', e = 'shop', t = 'shop', n = 'shop';
                  window.globalsBefore = Object.getOwnPropertyNames(window);</script>
                <script src="%s/widget.js" data-channel="%s" async></script>
                </body></html>
                """.formatted(service, team.channelKey());
        // The shop is another origin: its own little web server on another port of this machine
        // (a page from outside loopback may not reach a loopback service in Chromium at all).
        HttpServer shopServer = shopServer(shopPage);
        String shop = "http://127.0.0.1:" + shopServer.getAddress().getPort();
        try (WsClient agentWs = Chat.agentSocket(base, jwt)) {
            Page page = browser.newPage();
            List<String> console = new java.util.concurrent.CopyOnWriteArrayList<>();
            page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
            page.navigate(shop + "/shop/product/42");

            WidgetPage widget;
            try {
                widget = WidgetPage.attach(page);
            } catch (AssertionError e) {
                throw new AssertionError("the widget did not appear; console: " + console, e);
            }
            widget.send("Hello from the shop");
            assertThat(widget.messages("visitor")).hasCount(1);
            assertThat(widget.messages("visitor").first()).hasAttribute("data-state", "sent");
            String conversation = agentWs.await(type("assigned"), Chat.WAIT).path("conversationId").asText();
            // The page the visitor is on reached the agent's customer panel (F4), with its title.
            io.restassured.path.json.JsonPath panel = io.restassured.RestAssured.given().auth().oauth2(jwt)
                    .when().get("/api/v1/conversations/" + conversation + "/customer").then().statusCode(200).extract().jsonPath();
            org.assertj.core.api.Assertions.assertThat(panel.getString("pages[0].url")).isEqualTo(shop + "/shop/product/42");
            org.assertj.core.api.Assertions.assertThat(panel.getString("pages[0].title")).isEqualTo("Shop");
            org.assertj.core.api.Assertions.assertThat(panel.getString("source.landingPage")).isEqualTo(shop + "/shop/product/42");

            @SuppressWarnings("unchecked")
            List<String> added = (List<String>) page.evaluate(
                    "() => Object.getOwnPropertyNames(window).filter(n => n !== 'globalsBefore' && !window.globalsBefore.includes(n))");
            assertThat(added).containsExactly("SwitchboardWidget");
            assertThat(page.evaluate("() => [a, e, t, n].join()")).isEqualTo("shop,shop,shop,shop");
            assertThat(page.evaluate("() => location.origin")).isEqualTo(shop);
            assertThat(console).noneMatch(m -> m.startsWith("error"));
        } finally {
            shopServer.stop(0);
            Chat.retire(team.tenantId());
        }
    }

    private static HttpServer shopServer(String page) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
