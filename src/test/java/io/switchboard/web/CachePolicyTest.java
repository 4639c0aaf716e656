package io.switchboard.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Which front-end files browsers may keep, and for how long. */
class CachePolicyTest {

    private final CachePolicy policy = new CachePolicy(Duration.ofHours(1), Duration.ofDays(365));

    @ParameterizedTest
    @ValueSource(strings = {"/static/bundle/widget-QDFA7VD6.js", "/static/bundle/console-EHMFV762.js",
        "/static/bundle/console-YATNP6Z5.css", "/static/bundle/widget-QDFA7VD6.js.map", "/static//bundle/widget-QDFA7VD6.js"})
    void aBundleNamedByItsContentIsKeptForGood(String path) {
        assertThat(policy.cacheControl(path)).isEqualTo("public, max-age=31536000, immutable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/widget.js", "/%77idget.js", "/x/../widget.js", "/widget.js?v=2"})
    void theLoaderCustomersNameIsKeptBriefly(String path) {
        assertThat(policy.cacheControl(path)).isEqualTo("public, max-age=3600");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/static/bundle/widget.js", "/static/bundle/console.css", "/console/", "/console/index.html",
        "/widget/widget.css", "/i18n/en.json", "/api/v1/me", "/static/bundle/", "/static/bundle/../widget-QDFA7VD6.js"})
    void whatNamesNoFixedContentGetsNoCacheHeader(String path) {
        assertThat(policy.cacheControl(path)).isNull();
    }
}
