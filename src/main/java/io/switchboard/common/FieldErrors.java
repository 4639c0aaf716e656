package io.switchboard.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every field error of a request so the caller hears about all of them at once,
 * then refuses the request before anything is written (DESIGN rule 6).
 */
public final class FieldErrors {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public FieldErrors add(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
        return this;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws a 400 problem listing every error, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new Problem(400, "Bad Request", "validation failed", errors);
        }
    }
}
