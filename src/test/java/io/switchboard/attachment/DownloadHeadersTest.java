package io.switchboard.attachment;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A downloaded attachment is never run or re-interpreted by the browser. */
class DownloadHeadersTest {

    @Test
    void imagesAreShownInlineEverythingElseIsDownloaded() {
        assertThat(DownloadHeaders.of("image/png", "a.png").get("Content-Disposition")).startsWith("inline;");
        assertThat(DownloadHeaders.of("application/pdf", "a.pdf").get("Content-Disposition")).startsWith("attachment;");
        assertThat(DownloadHeaders.of("text/plain", "a.txt").get("Content-Disposition")).startsWith("attachment;");
    }

    @Test
    void theStoredTypeGoesOutWithNosniffAPrivateCacheAndASandbox() {
        Map<String, String> h = DownloadHeaders.of("application/pdf", "a.pdf");
        assertThat(h).containsEntry("Content-Type", "application/pdf").containsEntry("X-Content-Type-Options", "nosniff");
        assertThat(h.get("Cache-Control")).startsWith("private");
        assertThat(h.get("Content-Security-Policy")).contains("sandbox").contains("default-src 'none'");
    }

    @Test
    void aNameCannotBreakOutOfTheHeader() {
        String value = DownloadHeaders.contentDisposition("attachment", "发票 \"x\"\\.pdf");
        assertThat(value).isEqualTo("attachment; filename=\"__ _x__.pdf\"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%20%22x%22%5C.pdf");
    }
}
