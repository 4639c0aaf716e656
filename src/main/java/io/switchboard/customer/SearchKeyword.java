package io.switchboard.customer;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search engine and keyword a visitor came with, read from their referrer (F4): Baidu
 * ({@code wd}, or {@code word} on its mobile pages), Google, Bing, 360 Search, Shenma and
 * DuckDuckGo ({@code q}), Sogou ({@code query} or {@code keyword}), Yahoo ({@code p}), Yandex
 * ({@code text}). Pure. A referrer that is no such engine, or whose keyword the engine hid
 * (Google sends none over HTTPS), gives nothing; Baidu's {@code ie=gbk} pages are decoded as
 * GBK.
 */
public final class SearchKeyword {

    /** An engine by the end of its host name, and the query parameters that carry the keyword, in order. */
    private record Engine(String name, String host, List<String> params) {}

    private static final List<Engine> ENGINES = List.of(
            new Engine("baidu", "baidu.com", List.of("wd", "word")),
            new Engine("sogou", "sogou.com", List.of("query", "keyword")),
            new Engine("360", "so.com", List.of("q")),
            new Engine("shenma", "sm.cn", List.of("q")),
            new Engine("bing", "bing.com", List.of("q")),
            new Engine("duckduckgo", "duckduckgo.com", List.of("q")),
            new Engine("yahoo", "yahoo.com", List.of("p")),
            new Engine("yandex", "yandex.ru", List.of("text")),
            new Engine("yandex", "yandex.com", List.of("text")));

    public static final int MAX_KEYWORD_CHARS = 200;

    /** http(s)://host[:port][/path][?query][#fragment]: group 1 the host, group 2 the raw query. */
    private static final Pattern WEB_ADDRESS = Pattern.compile(
            "(?i)https?://(?:[^@/?#]*@)?([a-z0-9.-]+)(?::\\d+)?(?:/[^?#]*)?(?:\\?([^#]*))?(?:#.*)?");

    /** What a referrer says: the engine, and the keyword when the engine passed it on. */
    public record Found(String engine, String keyword) {}

    private SearchKeyword() {}

    public static Optional<Found> of(String referrer) {
        if (referrer == null || referrer.isBlank()) {
            return Optional.empty();
        }
        // By pattern, not java.net.URI: a referrer with a stray '%' or space still names its engine.
        Matcher m = WEB_ADDRESS.matcher(referrer.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group(1);
        String rawQuery = m.group(2);
        host = host.toLowerCase(Locale.ROOT);
        if (isGoogle(host)) {
            return Optional.of(new Found("google", keyword(rawQuery, List.of("q"), StandardCharsets.UTF_8)));
        }
        for (Engine e : ENGINES) {
            if (host.equals(e.host()) || host.endsWith("." + e.host())) {
                Charset charset = "gbk".equalsIgnoreCase(param(rawQuery, "ie")) && Charset.isSupported("GBK")
                        ? Charset.forName("GBK") : StandardCharsets.UTF_8;
                return Optional.of(new Found(e.name(), keyword(rawQuery, e.params(), charset)));
            }
        }
        return Optional.empty();
    }

    /** google.com, google.com.hk, google.co.jp, www.google.de...: "google" as a label before the country part. */
    private static boolean isGoogle(String host) {
        String[] labels = host.split("\\.");
        for (int i = 0; i < labels.length - 1; i++) {
            if (labels[i].equals("google")) {
                int rest = labels.length - i - 1;
                return rest == 1 || rest == 2 && labels[labels.length - 2].length() <= 3;
            }
        }
        return false;
    }

    private static String keyword(String rawQuery, List<String> names, Charset charset) {
        for (String name : names) {
            String raw = param(rawQuery, name);
            if (raw != null) {
                String decoded;
                try {
                    decoded = URLDecoder.decode(raw, charset).strip();
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (!decoded.isEmpty()) {
                    return decoded.length() > MAX_KEYWORD_CHARS ? decoded.substring(0, MAX_KEYWORD_CHARS) : decoded;
                }
            }
        }
        return null;
    }

    /** The raw (still encoded) value of the first parameter of that name. */
    private static String param(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return null;
    }
}
