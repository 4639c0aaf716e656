package io.switchboard.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses, on every authenticated REST request, a staff token whose session has ended:
 * its user was removed or changed password or roles after it was issued. The request then
 * fails authentication and answers 401 like any expired token. Visitor tokens have no
 * session epoch and pass unchanged.
 */
@ApplicationScoped
public class SessionCheck implements SecurityIdentityAugmentor {

    private final SessionEpochs epochs;

    SessionCheck(SessionEpochs epochs) {
        this.epochs = epochs;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        Object kind = jwt.getClaim("kind");
        Object tid = jwt.getClaim("tid");
        if (kind == null || !"staff".equals(kind.toString()) || tid == null || jwt.getSubject() == null) {
            return Uni.createFrom().item(identity);
        }
        return epochs.admits(tid.toString(), jwt.getSubject(), TokenService.epochOf(jwt)).map(current -> {
            if (!current) {
                throw new AuthenticationFailedException("session ended");
            }
            return identity;
        });
    }
}
