package io.switchboard.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;
import io.switchboard.common.TooManyRequests;
import io.switchboard.ratelimit.AccountLimiter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * A staff user changes their own password. Every other session of theirs ends at once, on
 * every replica; the answer carries a token for the new session, so the page that asked
 * carries on.
 */
@Path("/api/v1/me/password")
@Tag(name = "Auth")
public class PasswordResource {

    public record ChangePassword(String currentPassword, String newPassword) {}

    static final int MIN_PASSWORD = 8;
    /** bcrypt reads no further than 72 bytes. */
    static final int MAX_PASSWORD = 72;

    private final CurrentCaller current;
    private final Pool pool;
    private final TokenService tokens;
    private final SessionEpochs sessions;
    private final AccountLimiter accounts;

    PasswordResource(CurrentCaller current, Pool pool, TokenService tokens, SessionEpochs sessions, AccountLimiter accounts) {
        this.accounts = accounts;
        this.current = current;
        this.pool = pool;
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @PUT
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @Operation(summary = "Change one's own password: every other session ends; answers a token for the new one")
    public Uni<TokenService.Issued> change(ChangePassword body) {
        Caller caller = current.staff();
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        if (body.currentPassword() == null || body.currentPassword().isEmpty()) {
            errors.add("currentPassword", "required");
        }
        String next = body.newPassword();
        if (next == null || next.length() < MIN_PASSWORD || next.length() > MAX_PASSWORD) {
            errors.add("newPassword", "between " + MIN_PASSWORD + " and " + MAX_PASSWORD + " characters");
        }
        errors.throwIfAny();
        UUID id = UUID.fromString(caller.id());
        UUID tenant = UUID.fromString(caller.tenantId());
        return pool.preparedQuery("""
                        select name, email, roles, password_hash, session_epoch from staff_users
                        where id = $1 and tenant_id = $2 and disabled_at is null""")
                .execute(Tuple.of(id, tenant))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        // Removed between the session check and now.
                        throw Problem.unauthorized("session ended");
                    }
                    return rows.iterator().next();
                })
                // A wrong current password is a failed login to the account: the same per-account
                // limit holds here, or a stolen token would be a way to guess the password.
                .call(row -> accounts.check(row.getString("email")).invoke(decision -> {
                    if (!decision.allowed()) {
                        throw new TooManyRequests("too many failed logins for this account; retry later",
                                decision.retryAfterSeconds());
                    }
                }))
                // bcrypt is deliberately slow: keep both hashes off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(row -> BcryptUtil.matches(body.currentPassword(), row.getString("password_hash"))
                        ? new Checked(row, BcryptUtil.bcryptHash(next)) : new Checked(row, null))
                .call(checked -> checked.hash() != null ? Uni.createFrom().voidItem()
                        : accounts.failed(checked.row().getString("email")).invoke(() -> {
                            throw Problem.invalid("currentPassword", "is not your current password");
                        }))
                .flatMap(checked -> pool.preparedQuery("""
                                update staff_users set password_hash = $3, session_epoch = session_epoch + 1
                                where id = $1 and tenant_id = $2 and disabled_at is null and session_epoch = $4
                                returning session_epoch""")
                        .execute(Tuple.of(id, tenant, checked.hash(), checked.row().getLong("session_epoch")))
                        .flatMap(rows -> {
                            if (!rows.iterator().hasNext()) {
                                // Another change (an admin's, another page's) came first: nothing was written.
                                throw Problem.conflict("the account changed meanwhile; sign in again");
                            }
                            long epoch = rows.iterator().next().getLong("session_epoch");
                            Row row = checked.row();
                            Set<String> roles = new LinkedHashSet<>(Arrays.asList(row.getArrayOfStrings("roles")));
                            return sessions.changed(caller.tenantId(), caller.id(), SessionEpoch.of(epoch))
                                    .replaceWith(() -> tokens.staffToken(caller.tenantId(), caller.id(), row.getString("name"),
                                            row.getString("email"), roles, epoch));
                        }));
    }

    private record Checked(Row row, String hash) {}
}
