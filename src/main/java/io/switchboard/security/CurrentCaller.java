package io.switchboard.security;

import io.switchboard.common.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The verified caller of the current REST request. */
@RequestScoped
public class CurrentCaller {

    @Inject
    JsonWebToken jwt;

    public Caller get() {
        return TokenService.fromJwt(jwt).orElseThrow(() -> Problem.unauthorized("authentication required"));
    }

    public Caller staff() {
        Caller c = get();
        if (!c.isStaff()) {
            throw Problem.forbidden("staff only");
        }
        return c;
    }
}
