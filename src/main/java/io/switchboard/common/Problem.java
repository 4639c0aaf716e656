package io.switchboard.common;

import java.util.List;

/**
 * An error a request caused, answered as RFC 9457 problem JSON by {@link ProblemMappers}.
 * Thrown before anything is written, so a refused request changes nothing.
 */
public class Problem extends RuntimeException {

    public record FieldError(String field, String message) {}

    private final int status;
    private final String title;
    private final List<FieldError> errors;

    public Problem(int status, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public Problem(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public static Problem notFound(String what) {
        return new Problem(404, "Not Found", what + " not found");
    }

    public static Problem badRequest(String detail) {
        return new Problem(400, "Bad Request", detail);
    }

    public static Problem invalid(String field, String message) {
        return new Problem(400, "Bad Request", "validation failed", List.of(new FieldError(field, message)));
    }

    public static Problem unauthorized(String detail) {
        return new Problem(401, "Unauthorized", detail);
    }

    public static Problem forbidden(String detail) {
        return new Problem(403, "Forbidden", detail);
    }

    public static Problem conflict(String detail) {
        return new Problem(409, "Conflict", detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
