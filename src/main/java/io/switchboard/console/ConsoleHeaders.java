package io.switchboard.console;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.switchboard.security.ResolvedPath;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The console's Content-Security-Policy, on every response served under {@code /console}
 * however the path is spelled ({@link ResolvedPath}): the console loads only its own scripts
 * and styles, so markup that slipped into a message stays inert, and it opens sockets and
 * requests only to the origin it was loaded from. {@code connect-src 'self'} covers the
 * page's own {@code ws:}/{@code wss:} origin in current browsers; ConsoleInBrowserTest checks
 * that the console still connects its socket under this policy.
 */
@ApplicationScoped
public class ConsoleHeaders {

    public static final String POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'";

    void register(@Observes Filters filters) {
        filters.register(this::handle, 200);
    }

    private void handle(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        if ((method == HttpMethod.GET || method == HttpMethod.HEAD)
                && ResolvedPath.resolve(rc.request().path()).isUnder("/console")) {
            rc.response().putHeader("Content-Security-Policy", POLICY);
        }
        rc.next();
    }
}
