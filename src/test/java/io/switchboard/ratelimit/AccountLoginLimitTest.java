package io.switchboard.ratelimit;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed logins are limited per account as well as per address: an attacker who rotates
 * addresses (here through X-Forwarded-For) still gets only so many guesses at one account,
 * and an email that belongs to no one is answered exactly like one that does.
 */
@QuarkusTest
@TestProfile(AccountLoginLimitTest.ThreeFailures.class)
class AccountLoginLimitTest {

    public static class ThreeFailures implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.rate-limit.login-failures-per-account", "3",
                    "switchboard.rate-limit.account-lockout", "PT1M");
        }
    }

    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    /** A new client address for every attempt. */
    private static String anotherAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "10.77." + (n / 250 % 250) + "." + (1 + n % 250);
    }

    private static Response login(String email, String password) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", anotherAddress())
                .body(Map.of("email", email, "password", password))
                .when().post("/api/v1/auth/login");
    }

    @Test
    void failedLoginsFromManyAddressesLockTheAccountAgainstEvenTheRightPassword() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String email = team.agents().get(0).email();
        for (int i = 0; i < 3; i++) {
            assertThat(login(email, "guess-" + i).statusCode()).isEqualTo(401);
        }
        Response locked = login(email, Fixtures.PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.contentType()).startsWith("application/problem+json");
        assertThat(locked.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(locked.jsonPath().getString("title")).isEqualTo("Too Many Requests");
        assertThat(locked.jsonPath().getString("token")).isNull();
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 60L);
        // The email in another spelling is the same account.
        assertThat(login(" " + email.toUpperCase() + " ", Fixtures.PASSWORD).statusCode()).isEqualTo(429);
        // Another account of the same team is not affected.
        assertThat(login(team.agents().get(1).email(), Fixtures.PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongCurrentPasswordsAtAPasswordChangeSpendTheSameAccountLimit() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String email = team.agents().get(0).email();
        String token = login(email, Fixtures.PASSWORD).then().statusCode(200).extract().path("token");
        // A stolen token is no way around the limit: each wrong current password counts as a failed login.
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                    .body(Map.of("currentPassword", "guess-" + i, "newPassword", "another-password-1"))
                    .when().put("/api/v1/me/password").then().statusCode(400);
        }
        Response locked = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body(Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", "another-password-1"))
                .when().put("/api/v1/me/password");
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 60L);
        // Nothing changed: the password is the old one, and logins to the account wait out the window too.
        assertThat(login(email, Fixtures.PASSWORD).statusCode()).isEqualTo(429);
        assertThat(Fixtures.count("select count(*) from staff_users where lower(email) = lower(?) and session_epoch = 0", email))
                .isEqualTo(1);
    }

    @Test
    void aSuccessfulLoginDoesNotResetTheCount() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String email = team.agents().get(0).email();
        assertThat(login(email, "guess-1").statusCode()).isEqualTo(401);
        assertThat(login(email, "guess-2").statusCode()).isEqualTo(401);
        assertThat(login(email, Fixtures.PASSWORD).statusCode()).isEqualTo(200);
        assertThat(login(email, "guess-3").statusCode()).isEqualTo(401);
        assertThat(login(email, Fixtures.PASSWORD).statusCode()).isEqualTo(429);
    }

    @Test
    void anUnknownAccountIsAnsweredExactlyLikeAKnownOne() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String known = team.agents().get(0).email();
        String unknown = "nobody-" + UUID.randomUUID() + "@test.test";
        List<Long> knownMillis = new ArrayList<>();
        List<Long> unknownMillis = new ArrayList<>();
        long firstKnownFailure = System.currentTimeMillis();
        long firstUnknownFailure = 0;
        for (int i = 0; i < 3; i++) {
            Response k = login(known, "guess-" + i);
            Response u = login(unknown, "guess-" + i);
            if (i == 0) {
                firstUnknownFailure = System.currentTimeMillis();
            }
            assertThat(u.statusCode()).isEqualTo(k.statusCode()).isEqualTo(401);
            assertThat(u.body().asString()).isEqualTo(k.body().asString());
            knownMillis.add(k.time());
            unknownMillis.add(u.time());
        }
        Response k = login(known, Fixtures.PASSWORD);
        Response u = login(unknown, Fixtures.PASSWORD);
        assertThat(u.statusCode()).isEqualTo(k.statusCode()).isEqualTo(429);
        assertThat(u.contentType()).isEqualTo(k.contentType());
        assertThat(u.body().asString()).isEqualTo(k.body().asString());
        // Each account's window opened with its own first failure: the unknown one's opened up to
        // (firstUnknownFailure - firstKnownFailure) later, so it may end that much later, no more.
        long shift = (firstUnknownFailure - firstKnownFailure + 999) / 1000;
        long knownWait = Long.parseLong(k.header("Retry-After"));
        assertThat(Long.parseLong(u.header("Retry-After"))).isBetween(knownWait - 1, knownWait + shift + 1);
        // An unknown email costs a bcrypt check too: its failures take about as long. (Without
        // one it would answer many times faster, telling which emails exist.)
        Collections.sort(knownMillis);
        Collections.sort(unknownMillis);
        assertThat(unknownMillis.get(1) * 3).as("median ms, unknown %s vs known %s", unknownMillis, knownMillis)
                .isGreaterThanOrEqualTo(knownMillis.get(1));
    }
}
