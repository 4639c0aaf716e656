package io.switchboard.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Puts {@link CachePolicy}'s Cache-Control on front-end files answered with 200 or 304. It
 * replaces the static handler's default ({@code public, immutable, max-age=86400}), which would
 * call the loader immutable and keep a hashed bundle only a day; other answers (the bundler's
 * no-cache redirects, errors) keep theirs.
 */
@ApplicationScoped
public class WebCaching {

    private final CachePolicy policy;

    WebCaching(WebConfig config) {
        this.policy = new CachePolicy(config.loaderMaxAge(), config.bundleMaxAge());
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, 150);
    }

    private void handle(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        String value = method == HttpMethod.GET || method == HttpMethod.HEAD ? policy.cacheControl(rc.request().path()) : null;
        if (value != null) {
            rc.addHeadersEndHandler(v -> {
                int status = rc.response().getStatusCode();
                if (status == 200 || status == 304) {
                    rc.response().putHeader(HttpHeaders.CACHE_CONTROL, value);
                }
            });
        }
        rc.next();
    }
}
