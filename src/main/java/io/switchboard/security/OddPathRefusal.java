package io.switchboard.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses, before any route or guard sees it, a request whose path {@link ResolvedPath} will
 * not resolve (an encoded slash, a backslash, a control character, a broken escape): such a
 * path can be read two ways, and a guard and the router must never disagree on what was asked
 * for. 400 problem JSON, like every other bad input. Runs first of all filters.
 */
@ApplicationScoped
public class OddPathRefusal {

    /** Above every other filter of the service (WidgetCors, ConsoleHeaders...). */
    static final int PRIORITY = 10_000;

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    private void handle(RoutingContext rc) {
        ResolvedPath.Resolution path = ResolvedPath.resolve(rc.request().path());
        if (!path.refused()) {
            rc.next();
            return;
        }
        JsonObject problem = new JsonObject()
                .put("type", "about:blank")
                .put("status", 400)
                .put("title", "Bad Request")
                .put("detail", "refused: " + path.refusal());
        rc.response().setStatusCode(400)
                .putHeader("Content-Type", "application/problem+json")
                .end(problem.encode());
    }
}
