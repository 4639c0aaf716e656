package io.switchboard.knowledge;

import io.switchboard.common.Problem;

import java.util.UUID;

/** Path ids: one that is not even an id names nothing, so it is a 404 like an unknown one. */
final class Ids {

    private Ids() {}

    static UUID of(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw Problem.notFound(what);
        }
    }
}
