package io.switchboard.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FixedWindowTest {

    private static final long MINUTE = 60_000;

    @Test
    void attemptsUpToTheLimitAreAllowed() {
        for (int n = 1; n <= 5; n++) {
            assertThat(FixedWindow.decide(n, 5, 0, MINUTE).allowed()).isTrue();
        }
    }

    @Test
    void theAttemptPastTheLimitWaitsUntilTheWindowEnds() {
        long now = 10 * MINUTE + 15_000;
        FixedWindow.Decision d = FixedWindow.decide(6, 5, now, MINUTE);
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfterSeconds()).isEqualTo(45);
    }

    @Test
    void retryAfterIsAtLeastOneSecondAndRoundsUp() {
        assertThat(FixedWindow.decide(6, 5, MINUTE - 1, MINUTE).retryAfterSeconds()).isEqualTo(1);
        assertThat(FixedWindow.decide(6, 5, MINUTE - 1500, MINUTE).retryAfterSeconds()).isEqualTo(2);
    }

    @Test
    void instantsInOneWindowShareACounterAndTheNextWindowStartsAfresh() {
        assertThat(FixedWindow.index(MINUTE, MINUTE)).isEqualTo(FixedWindow.index(2 * MINUTE - 1, MINUTE));
        assertThat(FixedWindow.index(2 * MINUTE, MINUTE)).isEqualTo(FixedWindow.index(MINUTE, MINUTE) + 1);
    }

    @Test
    void keysSeparateScopesAddressesAndWindows() {
        assertThat(FixedWindow.key("login", "10.0.0.1", 7)).isEqualTo("sb:ratelimit:login:10.0.0.1:7");
        assertThat(FixedWindow.key("login", "10.0.0.1", 7)).isNotEqualTo(FixedWindow.key("ws", "10.0.0.1", 7))
                .isNotEqualTo(FixedWindow.key("login", "10.0.0.2", 7))
                .isNotEqualTo(FixedWindow.key("login", "10.0.0.1", 8));
    }

    @Test
    void onlyLoginAndVisitorCreationCountPerAddress() {
        assertThat(RestAddressLimit.scopeOf("POST", "/api/v1/auth/login")).isEqualTo(AddressLimiter.LOGIN);
        assertThat(RestAddressLimit.scopeOf("POST", "/api/v1/widget/web-1/visitors")).isEqualTo(AddressLimiter.VISITORS);
        assertThat(RestAddressLimit.scopeOf("GET", "/api/v1/auth/login")).isNull();
        assertThat(RestAddressLimit.scopeOf("POST", "/api/v1/conversations/x/close")).isNull();
    }

    @Test
    void anOddSpellingCountsAgainstTheLimitOfThePathItResolvesTo() {
        for (String login : new String[] {"/api/v1/auth/%6Cogin", "/api/v1/auth/%6cogin", "/api/v1//auth/login",
                "/api/v1/./auth/login", "/api/v1/x/../auth/login", "/api/v1/auth/login/", "/api/v1/auth/login;a=b"}) {
            assertThat(RestAddressLimit.scopeOf("POST", login)).as(login).isEqualTo(AddressLimiter.LOGIN);
        }
        for (String visitors : new String[] {"/api/v1/widget//web-1/visitors", "/api/v1/widget/web-1/%76isitors",
                "/api/%761/widget/web-1/visitors/", "//api/v1/widget/./web-1/visitors"}) {
            assertThat(RestAddressLimit.scopeOf("POST", visitors)).as(visitors).isEqualTo(AddressLimiter.VISITORS);
        }
        assertThat(RestAddressLimit.scopeOf("POST", "/api/v1/widget/web-1/x/visitors")).isNull();
        assertThat(RestAddressLimit.scopeOf("POST", "/api/v1/auth/login/x/..")).isEqualTo(AddressLimiter.LOGIN);
    }
}
