package io.switchboard.ratelimit;

import io.smallrye.mutiny.Uni;
import io.switchboard.common.ProblemMappers;
import io.switchboard.security.ResolvedPath;
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

    /**
     * Which limit a request counts against, or null. Judged on the path as the router resolves
     * it ({@link ResolvedPath}), so {@code /api/v1/auth/%6Cogin} or {@code /api/v1//auth/login}
     * count against the login limit like the plain spelling.
     */
    static String scopeOf(String method, String rawPath) {
        if (!"POST".equals(method)) {
            return null;
        }
        ResolvedPath.Resolution path = ResolvedPath.resolve(rawPath);
        if (path.is("/api/v1/auth/login")) {
            return AddressLimiter.LOGIN;
        }
        // /api/v1/widget/{channelKey}/visitors
        if (path.isUnder("/api/v1/widget") && path.path().endsWith("/visitors")
                && path.path().chars().filter(c -> c == '/').count() == 5) {
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
