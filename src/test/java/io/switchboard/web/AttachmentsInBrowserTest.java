package io.switchboard.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.attachment.Samples;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files and pictures between the widget and the console (C1), in real Chromium through the
 * running service: uploads, thumbnails fetched with each side's token and shown from blob:
 * URLs, file cards, refusals shown before anything is sent, and a picture that waits for a
 * dropped link. The widget's emoji picker too.
 */
@QuarkusTest
class AttachmentsInBrowserTest {

    private static final int WIDTH = 160;
    private static final int HEIGHT = 100;

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    /** A real PNG of WIDTH x HEIGHT: a coloured card with a stripe, so a screenshot shows it. */
    static byte[] picture(Color colour) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.WHITE);
        g.fillRect(0, HEIGHT / 2 - 8, WIDTH, 16);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static FilePayload png(String name, Color colour) {
        return new FilePayload(name, "image/png", picture(colour));
    }

    /** An image element that actually loaded: the browser decoded the picture's pixels. */
    static void assertLoaded(Locator img) {
        assertThat(img).hasJSProperty("naturalWidth", WIDTH);
        assertThat(img).hasJSProperty("complete", true);
    }

    static Locator consoleAttachments(ConsolePage agent, String contentType) {
        return agent.page.locator("[data-testid=chat-attachment][data-content-type='" + contentType + "']");
    }

    static Locator widgetAttachments(WidgetPage visitor, String contentType) {
        return visitor.page.locator("[data-testid=sb-attachment][data-content-type='" + contentType + "']");
    }

    /** The agent picks files and waits until each is uploaded (its chip ready), then sends. */
    static void agentSends(ConsolePage agent, FilePayload... files) {
        agent.page.getByTestId("chat-attach").setInputFiles(files);
        assertThat(agent.page.locator("[data-testid=attach-pending][data-state=ready]")).hasCount(files.length);
        agent.page.getByTestId("chat-send").click();
    }

    @ParameterizedTest
    @ValueSource(strings = {"en-US", "zh-CN"})
    void picturesAndFilesGoBothWaysAndShowLoadedOnBothSides(String locale) {
        boolean zh = locale.startsWith("zh");
        String tag = zh ? "zh" : "en";
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(locale), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(locale), base, team.channelKey());

            // The visitor starts the conversation with a picture alone.
            visitor.page.getByTestId("sb-attach").setInputFiles(png("photo.png", new Color(0x1f6feb)));
            Locator chip = visitor.page.locator(".sb-chip[data-state=ready]");
            assertThat(chip).isVisible();
            BrowserSupport.screenshot(visitor.page, "attachments-widget-pending-" + tag);
            visitor.page.getByTestId("sb-send").click();
            assertThat(visitor.messages("visitor")).hasAttribute("data-state", "sent");
            assertLoaded(widgetAttachments(visitor, "image/png").locator("img"));
            assertThat(chip).hasCount(0);

            // The list says what the file-only message is; the chat shows the picture, loaded.
            assertThat(agent.items()).hasCount(1);
            assertThat(agent.items().first().locator(".conv-preview")).hasText(zh ? "[图片]" : "[Image]");
            String conversationId = agent.openOnlyConversation();
            Locator fromVisitor = consoleAttachments(agent, "image/png");
            assertThat(fromVisitor).hasCount(1);
            assertLoaded(fromVisitor.locator("img"));
            assertThat((String) fromVisitor.locator("img").evaluate("img => img.currentSrc")).startsWith("blob:");

            // A click shows it whole; Escape closes it.
            fromVisitor.click();
            Locator lightbox = agent.page.getByTestId("attach-lightbox");
            assertThat(lightbox).isVisible();
            assertLoaded(lightbox.locator("img"));
            BrowserSupport.screenshot(agent.page, "attachments-console-lightbox-" + tag);
            agent.page.keyboard().press("Escape");
            assertThat(lightbox).isHidden();

            // The agent answers with a picture and a line of text; the visitor sees it loaded.
            agent.page.getByTestId("chat-input").fill(zh ? "这是您要的图片" : "Here is the label");
            agent.page.getByTestId("chat-attach").setInputFiles(png("label.png", new Color(0x1a7f37)));
            assertThat(agent.page.locator("[data-testid=attach-pending][data-state=ready]")).hasCount(1);
            BrowserSupport.screenshot(agent.page, "attachments-console-pending-" + tag);
            agent.page.getByTestId("chat-send").click();
            Locator toVisitor = visitor.messages("agent").locator("[data-testid=sb-attachment][data-content-type='image/png']");
            assertThat(toVisitor).hasCount(1);
            assertLoaded(toVisitor.locator("img"));
            assertThat(visitor.messages("agent")).containsText(zh ? "这是您要的图片" : "Here is the label");
            assertThat(agent.messages("agent")).hasCount(1);
            assertThat(agent.messages("agent").first().locator("[data-testid=chat-attachment]")).hasCount(1);
            assertThat(agent.messages("agent").first()).hasAttribute("data-seq", "2");

            // A PDF is a card with its name and size, on both sides.
            agentSends(agent, new FilePayload("terms.pdf", "application/pdf", Samples.pdf()));
            Locator card = consoleAttachments(agent, "application/pdf");
            assertThat(card).hasCount(1);
            assertThat(card).containsText("terms.pdf");
            assertThat(card.locator("img")).hasCount(0);
            Locator widgetCard = widgetAttachments(visitor, "application/pdf");
            assertThat(widgetCard).containsText("terms.pdf");
            assertThat(agent.items().first().locator(".conv-preview")).hasText(zh ? "[文件] terms.pdf" : "[File] terms.pdf");
            BrowserSupport.screenshot(agent.page, "attachments-console-" + tag);
            BrowserSupport.screenshot(visitor.page, "attachments-widget-" + tag);

            // An executable named .png is refused by the service: the reason shows, nothing is sent.
            long stored = Fixtures.count("select count(*) from messages where conversation_id = ?::uuid", conversationId);
            agent.page.getByTestId("chat-attach").setInputFiles(new FilePayload("invoice.png", "image/png", Samples.windowsExecutable()));
            Locator error = agent.page.getByTestId("attach-error");
            assertThat(error).isVisible();
            assertThat(error).containsText("invoice.png");
            assertThat(error).containsText(zh ? "只能发送图片" : "only images, PDF, text and office documents");
            assertThat(agent.page.getByTestId("attach-pending")).hasCount(0);
            agent.page.getByTestId("chat-send").click();
            BrowserSupport.screenshot(agent.page, "attachments-console-refused-" + tag);
            assertThat(agent.messages()).hasCount(3);

            visitor.page.getByTestId("sb-attach").setInputFiles(new FilePayload("cat.png", "image/png", Samples.windowsExecutable()));
            Locator widgetError = visitor.page.getByTestId("sb-attach-error");
            assertThat(widgetError).isVisible();
            assertThat(widgetError).containsText("cat.png");
            visitor.page.getByTestId("sb-send").click();
            BrowserSupport.screenshot(visitor.page, "attachments-widget-refused-" + tag);
            assertThat(visitor.messages()).hasCount(3);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?::uuid", conversationId)).isEqualTo(stored);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void theWidgetRefusesAFileOverTheServicesLimitBeforeUploadingIt() throws IOException {
        Fixtures.Team team = Fixtures.team(1, 5);
        // One byte over the default limit, as a file on disk: the browser is handed its path, not its bytes.
        Path dir = Files.createTempDirectory("attachments");
        Path big = dir.resolve("scan.pdf");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(10L * 1024 * 1024 + 1);
        }
        try {
            Page page = browser.newPage();
            java.util.List<String> uploads = new java.util.concurrent.CopyOnWriteArrayList<>();
            page.onRequest(r -> {
                if (r.url().contains("/api/v1/widget/attachments")) {
                    uploads.add(r.url());
                }
            });
            WidgetPage visitor = WidgetPage.open(page, base, team.channelKey());
            visitor.send("hello");
            assertThat(visitor.messages("visitor")).hasAttribute("data-state", "sent");
            visitor.page.getByTestId("sb-attach").setInputFiles(big);
            Locator error = visitor.page.getByTestId("sb-attach-error");
            assertThat(error).isVisible();
            assertThat(error).containsText("scan.pdf");
            assertThat(error).containsText("10 MB");
            assertThat(uploads).isEmpty();
        } finally {
            Chat.retire(team.tenantId());
            Files.deleteIfExists(big);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aPicturePastedIntoTheReplyIsUploadedAndGoesWithIt() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(), base, team.channelKey());
            visitor.send("what does the error look like?");
            agent.openOnlyConversation();

            Locator input = agent.page.getByTestId("chat-input");
            input.fill("this one");
            // A screenshot in the clipboard, pasted as the browser does: a paste event carrying a PNG file.
            input.evaluate("""
                    async (box, bytes) => {
                      const file = new File([new Uint8Array(bytes)], 'image.png', {type: 'image/png'});
                      const data = new DataTransfer();
                      data.items.add(file);
                      box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
                    }""", toInts(picture(new Color(0xcf222e))));
            assertThat(agent.page.locator("[data-testid=attach-pending][data-state=ready]")).hasCount(1);
            assertThat(input).hasValue("this one");
            input.press("Enter");

            Locator mine = agent.messages("agent");
            assertThat(mine).hasCount(1);
            assertThat(mine.first()).hasAttribute("data-seq", "2");
            assertLoaded(mine.first().locator("[data-testid=chat-attachment][data-content-type='image/png'] img"));
            assertLoaded(visitor.messages("agent").locator("[data-testid=sb-attachment] img"));
            assertThat(visitor.messages("agent")).containsText("this one");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    private static java.util.List<Integer> toInts(byte[] bytes) {
        java.util.List<Integer> out = new java.util.ArrayList<>(bytes.length);
        for (byte b : bytes) {
            out.add(b & 0xff);
        }
        return out;
    }

    @Test
    void aPictureSentWhileTheVisitorsLinkIsDownArrivesOnceItIsBack() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(), base).login(team.agents().get(0).email());
            Page page = browser.newPage();
            ConsoleInBrowserTest.LinkSwitch link = ConsoleInBrowserTest.LinkSwitch.on(page, "/ws/visitor");
            WidgetPage visitor = WidgetPage.open(page, base, team.channelKey());
            visitor.send("hello");
            String conversationId = agent.openOnlyConversation();
            assertThat(agent.messages()).hasCount(1);

            link.cut();
            // Uploading is plain HTTP: it works while the socket is down; the message waits.
            visitor.page.getByTestId("sb-input").fill("the damaged box");
            visitor.page.getByTestId("sb-attach").setInputFiles(png("box.png", new Color(0xbf8700)));
            assertThat(visitor.page.locator(".sb-chip[data-state=ready]")).hasCount(1);
            visitor.page.getByTestId("sb-send").click();
            assertThat(visitor.messages().last()).hasAttribute("data-state", "sending");
            assertLoaded(visitor.messages().last().locator("[data-testid=sb-attachment] img"));
            assertThat(agent.messages()).hasCount(1);

            link.restore();
            assertThat(visitor.messages().last()).hasAttribute("data-state", "sent");
            assertThat(agent.messages()).hasCount(2);
            Locator arrived = agent.messages("visitor").last();
            assertThat(arrived).containsText("the damaged box");
            assertLoaded(arrived.locator("[data-testid=chat-attachment][data-content-type='image/png'] img"));

            // Once: one message carries the file, however often the frame was sent.
            visitor.reload();
            assertThat(visitor.messages()).hasCount(2);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?::uuid", conversationId)).isEqualTo(2);
            assertThat(Fixtures.count("select count(*) from attachments where conversation_id = ?::uuid and message_id is not null",
                    conversationId)).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"en-US", "zh-CN"})
    void anEmojiPickedInTheWidgetLandsAtTheCursorAndReachesTheAgent(String locale) {
        String tag = locale.startsWith("zh") ? "zh" : "en";
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            ConsolePage agent = ConsolePage.open(browser.newPage(locale), base).login(team.agents().get(0).email());
            WidgetPage visitor = WidgetPage.open(browser.newPage(locale), base, team.channelKey());
            Locator input = visitor.page.getByTestId("sb-input");
            Locator grid = visitor.page.locator(".sb-emoji-grid");

            input.fill("Thanks a lot");
            input.evaluate("i => i.setSelectionRange(6, 6)");
            visitor.page.getByTestId("sb-emoji").click();
            assertThat(grid).isVisible();
            assertThat(visitor.page.getByTestId("sb-emoji-item")).hasCount(40);
            BrowserSupport.screenshot(visitor.page, "widget-emoji-" + tag);
            visitor.page.locator("[data-testid=sb-emoji-item][aria-label='👍']").click();
            assertThat(grid).isHidden();
            assertThat(input).hasValue("Thanks👍 a lot");
            assertThat(input).isFocused();
            assertThat(input).hasJSProperty("selectionStart", "Thanks👍".length());

            // Keyboard: the button opens it on the first emoji, arrows move, Enter inserts, Escape closes.
            visitor.page.getByTestId("sb-emoji").focus();
            visitor.page.keyboard().press("Enter");
            assertThat(grid).isVisible();
            assertThat(visitor.page.getByTestId("sb-emoji-item").first()).isFocused();
            visitor.page.keyboard().press("ArrowRight");
            visitor.page.keyboard().press("Enter");
            assertThat(input).hasValue("Thanks👍😃 a lot");
            visitor.page.getByTestId("sb-emoji").click();
            assertThat(grid).isVisible();
            visitor.page.keyboard().press("Escape");
            assertThat(grid).isHidden();
            assertThat(input).isFocused();
            // A click elsewhere closes it too.
            visitor.page.getByTestId("sb-emoji").click();
            assertThat(grid).isVisible();
            visitor.page.getByTestId("sb-notice").click();
            assertThat(grid).isHidden();

            visitor.page.getByTestId("sb-send").click();
            agent.openOnlyConversation();
            assertThat(agent.messages("visitor").locator(".bubble")).hasText("Thanks👍😃 a lot");
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
