package io.switchboard.attachment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers a downloaded attachment goes out with. Pure. The browser must never run or
 * re-interpret a file: the stored type (judged from the bytes) and {@code nosniff}, a
 * download for everything but images, a sandboxing Content-Security-Policy for anyone who
 * opens the URL directly, and a cache private to the reader's browser.
 */
public final class DownloadHeaders {

    /** An attachment never changes under its id; access is checked on every request that reaches us. */
    static final String CACHE_CONTROL = "private, max-age=3600";
    static final String CSP = "default-src 'none'; img-src 'self'; sandbox";

    private DownloadHeaders() {}

    public static Map<String, String> of(String contentType, String name) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Content-Disposition", contentDisposition(AttachmentTypes.isImage(contentType) ? "inline" : "attachment", name));
        h.put("Cache-Control", CACHE_CONTROL);
        h.put("Content-Security-Policy", CSP);
        return h;
    }

    /**
     * RFC 6266: an ASCII {@code filename} for old clients, and the real name in
     * {@code filename*} (RFC 8187, UTF-8, percent-encoded), so no character of the name can
     * end the header value or start another parameter.
     */
    static String contentDisposition(String type, String name) {
        StringBuilder ascii = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' ? (char) cp : '_'));
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
