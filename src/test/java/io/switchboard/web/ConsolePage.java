package io.switchboard.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.switchboard.testing.Fixtures;

import java.net.URL;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** The agent console as a test drives it: only through its data-testid hooks (UI.md). */
final class ConsolePage {

    final Page page;

    private ConsolePage(Page page) {
        this.page = page;
    }

    static ConsolePage open(Page page, URL base) {
        page.navigate(base + "console/");
        return new ConsolePage(page);
    }

    /** Signs in and waits for the shell. */
    ConsolePage login(String email) {
        page.getByTestId("login-email").fill(email);
        page.getByTestId("login-password").fill(Fixtures.PASSWORD);
        page.getByTestId("login-submit").click();
        assertThat(page.getByTestId("status-switch")).isVisible();
        return this;
    }

    /** Signs in a supervisor or admin who is no agent (no status switch) and waits for the shell. */
    ConsolePage loginWithoutStatus(String email) {
        page.getByTestId("login-email").fill(email);
        page.getByTestId("login-password").fill(Fixtures.PASSWORD);
        page.getByTestId("login-submit").click();
        assertThat(page.getByTestId("conv-tab-open")).isVisible();
        return this;
    }

    Locator items() {
        return page.getByTestId("conv-item");
    }

    Locator item(String conversationId) {
        return page.locator("[data-testid=conv-item][data-conversation-id='" + conversationId + "']");
    }

    /** The only conversation in the current tab, once it is there; returns its id. */
    String openOnlyConversation() {
        assertThat(items()).hasCount(1);
        String id = items().first().getAttribute("data-conversation-id");
        items().first().click();
        return id;
    }

    Locator messages() {
        return page.getByTestId("chat-message");
    }

    Locator messages(String sender) {
        return page.locator("[data-testid=chat-message][data-sender=" + sender + "]");
    }

    void reply(String text) {
        Locator input = page.getByTestId("chat-input");
        input.fill(text);
        input.press("Enter");
    }
}
