package io.switchboard.channel.widget;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.switchboard.security.ResolvedPath;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The widget runs inside customers' pages, on their origins: the browser lets it load its
 * files and get a visitor token from here only with CORS headers. Only what the widget
 * needs is opened, to every origin; it carries no cookies and staff endpoints stay
 * same-origin. The socket needs nothing: WebSockets are not subject to CORS.
 */
@ApplicationScoped
public class WidgetCors {

    /**
     * Paths the widget uses from a customer's page, judged as the router resolves them. The
     * loader /widget.js imports the widget's bundle as an ES module, which a browser fetches
     * from another origin only with CORS (the redirect to the hashed file included); the
     * bundles there are public code.
     */
    static boolean isWidgetPath(String rawPath) {
        ResolvedPath.Resolution path = ResolvedPath.resolve(rawPath);
        // Attachments: the widget uploads under /api/v1/widget and fetches files it shows (C1).
        return path.is("/widget.js") || path.isUnder("/widget") || path.isUnder("/i18n") || path.isUnder("/api/v1/widget")
                || path.isUnder("/static/bundle") || path.isUnder("/api/v1/attachments");
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, 100);
    }

    private void handle(RoutingContext rc) {
        if (rc.request().getHeader("Origin") == null || !isWidgetPath(rc.request().path())) {
            rc.next();
            return;
        }
        var response = rc.response();
        response.putHeader("Access-Control-Allow-Origin", "*");
        response.putHeader("Access-Control-Expose-Headers", "Content-Disposition");
        if (rc.request().method() == HttpMethod.OPTIONS && rc.request().getHeader("Access-Control-Request-Method") != null) {
            response.putHeader("Access-Control-Allow-Methods", "GET, POST")
                    // Authorization: the visitor token of uploads and downloads (C1); no cookie is ever sent.
                    .putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization")
                    .putHeader("Access-Control-Max-Age", "600")
                    .setStatusCode(204)
                    .end();
            return;
        }
        rc.next();
    }
}
