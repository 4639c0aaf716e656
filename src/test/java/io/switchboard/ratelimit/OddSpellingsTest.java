package io.switchboard.ratelimit;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.RawHttp;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN, lessons paid for: a guard matching request paths judges the path as the router resolves
 * it. Every spelling the router takes to the login or to visitor creation counts against the same
 * per-address limit as the plain one, and once it is spent none of them reaches the password
 * check. Odd spellings go over a raw socket ({@link RawHttp}), byte for byte as an attacker sends
 * them; the plain ones through rest-assured. Same small limits as {@link RateLimitTest} (3 per
 * address and window), so both classes share one application start.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
class OddSpellingsTest {

    private static final String LOGIN = "/api/v1/auth/login";
    /** Each was seen to reach the password check before the limit judged resolved paths. */
    private static final List<String> LOGIN_SPELLINGS = List.of(
            "/api/v1/auth/%6Cogin",
            "/api/v1/auth/%6cogin",
            "/api/v1/auth/log%69n",
            "/api/%761/auth/login",
            "/api/v1//auth/login",
            "//api/v1/auth/login",
            "/api/v1/auth/./login",
            "/api/v1/auth/%2E/login",
            "/api/v1/x/../auth/login",
            "/api/v1/auth/%2e%2E/auth/login",
            "/../api/v1/auth/login",
            "/api/v1/auth/login/",
            "/api/v1/auth/login//",
            "/api/v1/auth/%6Cogin/",
            "/api/v1/auth/login;x=1",
            "/api/v1/auth;x=1/login");

    @TestHTTPResource("/")
    URL base;

    /**
     * A fresh client address, clear of the current window's last half (see RateLimitTest): a few
     * logins on a busy machine can take many seconds, and a count reset halfway would let the
     * last attempt through.
     */
    private static String freshAddress() {
        long window = Duration.ofMinutes(1).toMillis();
        long left = window - System.currentTimeMillis() % window;
        if (left < 30_000) {
            try {
                Thread.sleep(left + 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private RawHttp.Answer raw(String method, String path, String address, String body) {
        return RawHttp.send(base, method, path, Map.of("X-Forwarded-For", address), body);
    }

    private static String credentials(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    @Test
    void everySpellingOfTheLoginCountsAgainstTheSameLimitAndNoneReachesThePasswordCheckOnceItIsSpent() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String email = team.agents().get(0).email();
        for (String spelling : LOGIN_SPELLINGS) {
            String address = freshAddress();
            // The spelling really is the login: a wrong password is judged by it.
            assertThat(raw("POST", spelling, address, credentials(email, "wrong-1")).status()).as(spelling).isEqualTo(401);
            for (int i = 2; i <= 3; i++) {
                given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                        .body(Map.of("email", email, "password", "wrong-" + i))
                        .when().post(LOGIN).then().statusCode(401);
            }
            // Spent: the right password through the odd spelling gets no token.
            RawHttp.Answer refused = raw("POST", spelling, address, credentials(email, Fixtures.PASSWORD));
            assertThat(refused.status()).as(spelling).isEqualTo(429);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(refused.body()).doesNotContain("token");
        }
    }

    @Test
    void oddSpellingsAloneSpendTheLimitOfThePlainLogin() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String email = team.agents().get(0).email();
        String address = freshAddress();
        for (String spelling : List.of("/api/v1/auth/%6Cogin", "/api/v1//auth/login", "/api/v1/x/../auth/login")) {
            assertThat(raw("POST", spelling, address, credentials(email, "wrong")).status()).as(spelling).isEqualTo(401);
        }
        given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                .body(Map.of("email", email, "password", Fixtures.PASSWORD))
                .when().post(LOGIN).then().statusCode(429);
    }

    @Test
    void everySpellingOfVisitorCreationCountsAgainstTheSameLimit() {
        Fixtures.Team team = Fixtures.team(0, 1);
        String key = team.channelKey();
        List<String> spellings = List.of(
                "/api/v1/widget//" + key + "/visitors",
                "//api/v1/widget/" + key + "/visitors",
                "/api/v1/widget/./" + key + "/visitors",
                "/api/v1/x/../widget/" + key + "/visitors",
                "/api/%761/widget/" + key + "/visitors",
                "/api/v1/%77idget/" + key + "/visitors",
                "/api/v1/widget/" + key + "/visitors/",
                "/api/v1/widget/" + key + "/visitors;x=1");
        int created = 0;
        for (String spelling : spellings) {
            String address = freshAddress();
            assertThat(raw("POST", spelling, address, "{}").status()).as(spelling).isEqualTo(200);
            for (int i = 0; i < 2; i++) {
                given().contentType(ContentType.JSON).header("X-Forwarded-For", address).body(Map.of())
                        .when().post("/api/v1/widget/" + key + "/visitors").then().statusCode(200);
            }
            created += 3;
            RawHttp.Answer refused = raw("POST", spelling, address, "{}");
            assertThat(refused.status()).as(spelling).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
        }
        assertThat(Fixtures.count("select count(*) from visitors where tenant_id = ?", team.tenantId())).isEqualTo(created);
    }

    @Test
    void anEncodedSlashOrABackslashInThePathIsRefusedWith400BeforeAnyRoute() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String email = team.agents().get(0).email();
        for (String spelling : List.of("/api/v1/auth%2Flogin", "/api/v1/auth%2flogin", "/api/v1/auth%5Clogin",
                "/api/v1/auth%5clogin", "/api/v1/auth/login%00", "/api/v1/auth/%6Cogin%2F", "/api/v1/auth/%C3%28")) {
            RawHttp.Answer answer = raw("POST", spelling, freshAddress(), credentials(email, Fixtures.PASSWORD));
            assertThat(answer.status()).as(spelling).isEqualTo(400);
            assertThat(answer.header("Content-Type")).as(spelling).startsWith("application/problem+json");
            assertThat(answer.body()).as(spelling).contains("\"status\":400").doesNotContain("token");
        }
        // A raw backslash and a malformed escape are refused by the HTTP layer itself, before the
        // service sees them.
        for (String spelling : List.of("/api/v1/auth\\login", "/api/v1/auth/%G1ogin")) {
            RawHttp.Answer answer = raw("POST", spelling, freshAddress(), credentials(email, Fixtures.PASSWORD));
            assertThat(answer.status()).as(spelling).isEqualTo(400);
            assertThat(answer.body()).as(spelling).doesNotContain("token");
        }
    }
}
