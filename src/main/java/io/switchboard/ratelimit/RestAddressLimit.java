package io.switchboard.ratelimit;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.ProblemMappers;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The anonymous endpoints that do real work per call (a bcrypt check, a visitor row) are
 * limited per remote address: past the limit they answer 429 problem JSON with Retry-After.
 */
public class RestAddressLimit {

    private final AddressLimiter limiter;

    RestAddressLimit(AddressLimiter limiter) {
        this.limiter = limiter;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> limit(ContainerRequestContext ctx, HttpServerRequest request) {
        String scope = scopeOf(ctx.getMethod(), request.path());
        if (scope == null) {
            return Uni.createFrom().nullItem();
        }
        var remote = request.remoteAddress();
        return limiter.attempt(scope, remote == null ? null : remote.hostAddress())
                .map(d -> d.allowed() ? null : tooMany(d.retryAfterSeconds()));
    }

    /** Which limit a request counts against, or null. */
    static String scopeOf(String method, String path) {
        if (!"POST".equals(method) || path == null) {
            return null;
        }
        if (path.equals("/api/v1/auth/login")) {
            return AddressLimiter.LOGIN;
        }
        if (path.startsWith("/api/v1/widget/") && path.endsWith("/visitors")) {
            return AddressLimiter.VISITORS;
        }
        return null;
    }

    static Response tooMany(long retryAfterSeconds) {
        Response problem = ProblemMappers.problem(429, "Too Many Requests",
                "too many attempts from your address; retry after " + retryAfterSeconds + " s", null);
        return Response.fromResponse(problem).header("Retry-After", Long.toString(retryAfterSeconds)).build();
    }
}
