package io.switchboard.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real headless Chromium for browser tests: Debian's {@code /usr/bin/chromium} driven by
 * Playwright, which must never download a browser of its own. One browser per test JVM;
 * each test gets fresh contexts (separate storage, like separate people). When a test
 * fails, every page it opened is saved as a PNG under {@code target/screenshots/}.
 *
 * <p>If Chromium cannot be launched the tests fail with the reason: a browser test that
 * skips proves nothing.
 */
public final class BrowserSupport implements AfterTestExecutionCallback, AfterEachCallback {

    public static final String CHROMIUM = System.getProperty("switchboard.test.chromium", "/usr/bin/chromium");
    public static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    /** How long an expectation may take to come true in the page. */
    public static final double WAIT_MS = 10_000;

    private static Playwright playwright;
    private static Browser browser;

    private final List<BrowserContext> contexts = new ArrayList<>();

    static {
        PlaywrightAssertions.setDefaultAssertionTimeout(WAIT_MS);
    }

    private static synchronized Browser browser() {
        if (browser == null) {
            if (!Files.isExecutable(Paths.get(CHROMIUM))) {
                throw new IllegalStateException("Chromium not found at " + CHROMIUM
                        + ": install it (apt-get install -y chromium); .ci/run does so");
            }
            Map<String, String> env = Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(Paths.get(CHROMIUM))
                    .setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    browser.close();
                    playwright.close();
                } catch (RuntimeException e) {
                    // the JVM is going away anyway
                }
            }));
        }
        return browser;
    }

    /** A new, empty browser profile (own storage) with one page, at desktop size, in the given language. */
    public Page newPage(String locale) {
        return newPage(locale, 1280, 800, false);
    }

    /** A phone: small viewport, touch, a mobile user agent's layout rules. */
    public Page newPhonePage() {
        return newPage("en-US", 390, 844, true);
    }

    private Page newPage(String locale, int width, int height, boolean mobile) {
        BrowserContext context = browser().newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height)
                .setIsMobile(mobile)
                .setHasTouch(mobile)
                .setLocale(locale));
        context.setDefaultTimeout(WAIT_MS);
        contexts.add(context);
        Page page = context.newPage();
        // Any dialog at all (alert, confirm) would mean markup ran: record it, the tests assert on it.
        page.onDialog(dialog -> {
            DIALOGS.add(dialog.message());
            dialog.dismiss();
        });
        return page;
    }

    public Page newPage() {
        return newPage("en-US");
    }

    /** Messages of every dialog a page tried to open during the test. */
    public static final List<String> DIALOGS = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Saves a picture of a page under target/screenshots (also used to look at the UI). */
    public static Path screenshot(Page page, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Path file = SCREENSHOTS.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(false));
        return file;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        String base = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        int n = 0;
        for (BrowserContext c : contexts) {
            for (Page p : c.pages()) {
                try {
                    Path file = screenshot(p, "FAILED-" + base + "-" + (++n));
                    System.err.println("browser test failed; screenshot of " + p.url() + ": " + file.toAbsolutePath());
                } catch (RuntimeException e) {
                    System.err.println("could not take a screenshot: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (BrowserContext c : contexts) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        contexts.clear();
        DIALOGS.clear();
    }
}
