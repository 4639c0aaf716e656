package io.switchboard.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.switchboard.common.Problem;
import io.switchboard.common.TooManyRequests;
import io.switchboard.ratelimit.AccountLimiter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Staff login: email and password in, a signed token out. */
@Path("/api/v1/auth")
public class LoginResource {

    public record LoginRequest(@NotBlank @Size(max = 320) String email, @NotBlank @Size(max = 200) String password) {}

    public record UserView(String id, String tenantId, String name, String email, List<String> roles) {}

    public record LoginResponse(String token, Instant expiresAt, UserView user) {}

    /** Checked against when the email is unknown so that the answer takes as long either way. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash("no-such-user-password");

    /** An unknown email or a wrong password: one answer for both, and one failure counted. */
    static final class WrongCredentials extends Problem {
        WrongCredentials() {
            super(401, "Unauthorized", "wrong email or password");
        }
    }

    private final Pool pool;
    private final TokenService tokens;
    private final AccountLimiter accounts;

    LoginResource(Pool pool, TokenService tokens, AccountLimiter accounts) {
        this.pool = pool;
        this.tokens = tokens;
        this.accounts = accounts;
    }

    @POST
    @Path("/login")
    @PermitAll
    public Uni<LoginResponse> login(@Valid LoginRequest request) {
        if (request == null) {
            throw Problem.badRequest("body required");
        }
        // The account's lockout is judged before anything about the account is looked up: a
        // locked-out email gets the same 429, as fast, whether or not such a user exists, and
        // not even the right password gets through until the window ends.
        return accounts.check(request.email()).flatMap(decision -> {
            if (!decision.allowed()) {
                return Uni.createFrom().failure(new TooManyRequests(
                        "too many failed logins for this account; retry later", decision.retryAfterSeconds()));
            }
            return pool.preparedQuery("select id, tenant_id, name, email, password_hash, roles, session_epoch from staff_users where lower(email) = lower($1) and disabled_at is null")
                    .execute(Tuple.of(request.email().trim()))
                    .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null)
                    // bcrypt is deliberately slow: keep it off the event loop.
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(row -> check(row, request.password()))
                    .onFailure(WrongCredentials.class).call(() -> accounts.failed(request.email()));
        });
    }

    private LoginResponse check(Row row, String password) {
        if (row == null) {
            BcryptUtil.matches(password, DUMMY_HASH);
            throw new WrongCredentials();
        }
        if (!BcryptUtil.matches(password, row.getString("password_hash"))) {
            throw new WrongCredentials();
        }
        Set<String> roles = new LinkedHashSet<>(Arrays.asList(row.getArrayOfStrings("roles")));
        UserView user = new UserView(row.getUUID("id").toString(), row.getUUID("tenant_id").toString(),
                row.getString("name"), row.getString("email"), List.copyOf(roles));
        TokenService.Issued issued = tokens.staffToken(user.tenantId(), user.id(), user.name(), user.email(), roles,
                row.getLong("session_epoch"));
        return new LoginResponse(issued.token(), issued.expiresAt(), user);
    }
}
