package io.switchboard.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every error leaves the REST API as problem JSON (PROTOCOL.md, RFC 9457). */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    public static final String PROBLEM_JSON = "application/problem+json";

    public static Response problem(int status, String title, String detail, List<Problem.FieldError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("status", status);
        body.put("title", title);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors);
        }
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }

    @ServerExceptionMapper
    public Response map(Problem p) {
        Response response = problem(p.status(), p.title(), p.getMessage(), p.errors());
        if (p instanceof TooManyRequests t) {
            return Response.fromResponse(response).header("Retry-After", Long.toString(t.retryAfterSeconds())).build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response map(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return problem(400, "Bad Request", "validation failed", errors);
    }

    @ServerExceptionMapper
    public Response map(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mie && !mie.getPath().isEmpty()) {
            String field = mie.getPath().get(mie.getPath().size() - 1).getFieldName();
            return problem(400, "Bad Request", "malformed body",
                    List.of(new Problem.FieldError(field == null ? "body" : field, "wrong type or shape")));
        }
        return problem(400, "Bad Request", "body is not valid JSON", null);
    }

    /**
     * A value of the wrong type or shape (an array where a string belongs). Mapped on its own
     * because quarkus-rest-jackson ships a mapper for exactly this class that would otherwise
     * win over the one above and answer plain JSON instead of a problem.
     */
    @ServerExceptionMapper
    public Response map(MismatchedInputException e) {
        return map((JsonProcessingException) e);
    }

    @ServerExceptionMapper
    public Response map(UnauthorizedException e) {
        return challenge(problem(401, "Unauthorized", "authentication required", null));
    }

    @ServerExceptionMapper
    public Response map(AuthenticationFailedException e) {
        return challenge(problem(401, "Unauthorized", "authentication failed", null));
    }

    /** A 401 names the scheme that would be accepted (RFC 9110 section 15.5.2, RFC 6750). */
    private static Response challenge(Response unauthorized) {
        return Response.fromResponse(unauthorized).header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response map(ForbiddenException e) {
        return problem(403, "Forbidden", "not allowed for your role", null);
    }

    /** A parameter that cannot be read as its type: 400 naming it (see {@link ParameterConverters}). */
    @ServerExceptionMapper
    public Response map(InvalidParameter e) {
        return problem(400, "Bad Request", "invalid parameter", List.of(new Problem.FieldError(e.field(), e.getMessage())));
    }

    @ServerExceptionMapper
    public Response map(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        // A parameter the REST layer could not convert by itself (a type ParameterConverters does
        // not handle): JAX-RS says 404 for a query or path parameter, but it is bad input.
        if ((status == 404 || status == 400) && isConversionFailure(e.getCause())) {
            return problem(400, "Bad Request", "a parameter cannot be read", null);
        }
        Response.Status s = Response.Status.fromStatusCode(status);
        String title = s == null ? "Error" : s.getReasonPhrase();
        if (status == 400 && e.getCause() instanceof JsonProcessingException jpe) {
            return map(jpe);
        }
        return problem(status, title, status >= 500 ? null : e.getMessage(), null);
    }

    /** The database is down or refused: a retryable 503, never a 500 with a stack trace. */
    @ServerExceptionMapper
    public Response map(PgException e) {
        LOG.warnf("database refused a request: %s", e.getMessage());
        return problem(503, "Service Unavailable", "storage temporarily unavailable, retry", null);
    }

    /** PostgreSQL (or Redis) cannot be reached at all: as retryable as a refusal. */
    @ServerExceptionMapper
    public Response map(java.net.ConnectException e) {
        LOG.warnf("a store is unreachable: %s", e.getMessage());
        return problem(503, "Service Unavailable", "storage temporarily unavailable, retry", null);
    }

    /** The connection to a store dropped mid-request. */
    @ServerExceptionMapper
    public Response map(io.vertx.sqlclient.ClosedConnectionException e) {
        LOG.warnf("a store connection closed: %s", e.getMessage());
        return problem(503, "Service Unavailable", "storage temporarily unavailable, retry", null);
    }

    private static boolean isConversionFailure(Throwable cause) {
        return cause instanceof IllegalArgumentException || cause instanceof java.time.format.DateTimeParseException;
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot >= 0 ? path.substring(dot + 1) : path;
    }
}
