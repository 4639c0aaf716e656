package io.switchboard.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * A customer's web page with the widget, as a visitor uses it. The demo page embeds the
 * widget on {@code ?channel=KEY}, so each test talks to its own team. Playwright's test-id
 * locators reach into the widget's open shadow root.
 */
final class WidgetPage {

    final Page page;

    private WidgetPage(Page page) {
        this.page = page;
    }

    static WidgetPage open(Page page, URL base, String channelKey) {
        page.navigate(base + "?channel=" + URLEncoder.encode(channelKey, StandardCharsets.UTF_8));
        WidgetPage w = new WidgetPage(page);
        w.openPanel();
        return w;
    }

    /** A page that embeds the widget itself (a customer's page): waits for it and opens the panel. */
    static WidgetPage attach(Page page) {
        WidgetPage w = new WidgetPage(page);
        w.openPanel();
        return w;
    }

    /** Opens the chat panel unless it is open already (the widget remembers across reloads). */
    void openPanel() {
        Locator launcher = page.getByTestId("sb-launcher");
        assertThat(launcher).isVisible();
        if (!page.getByTestId("sb-panel").isVisible()) {
            launcher.click();
        }
        assertThat(page.getByTestId("sb-panel")).isVisible();
    }

    void reload() {
        page.reload();
        openPanel();
    }

    void send(String text) {
        page.getByTestId("sb-input").fill(text);
        page.getByTestId("sb-send").click();
    }

    Locator messages() {
        return page.getByTestId("sb-message");
    }

    Locator messages(String sender) {
        return page.locator("[data-testid=sb-message][data-sender=" + sender + "]");
    }
}
