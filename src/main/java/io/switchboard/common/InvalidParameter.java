package io.switchboard.common;

import jakarta.ws.rs.BadRequestException;

/**
 * A query, path or header parameter that cannot be read as its type ({@code afterSeq=abc}).
 * A {@link jakarta.ws.rs.WebApplicationException} so that the REST layer passes it on as
 * thrown instead of turning it into the 404 JAX-RS prescribes for a bad query or path
 * parameter; {@link ProblemMappers} answers it as a 400 problem naming the field.
 */
public class InvalidParameter extends BadRequestException {

    private final String field;

    public InvalidParameter(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
