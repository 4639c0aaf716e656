package io.switchboard.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A guard judges the path the router serves, whatever its spelling (DESIGN, lessons paid for). */
class ResolvedPathTest {

    private static String resolved(String raw) {
        ResolvedPath.Resolution r = ResolvedPath.resolve(raw);
        assertThat(r.refused()).as("%s refused: %s", raw, r.refusal()).isFalse();
        return r.path();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/v1/auth/login",
            "/api/v1/auth/%6Cogin",          // an escaped unreserved letter
            "/api/v1/auth/%6cogin",          // the same, lower-case hex
            "/api/v1/auth/log%69n",
            "/api/%761/auth/login",
            "/%61pi/v1/auth/login",
            "/api/v1//auth/login",           // empty segments collapse
            "//api/v1/auth/login",
            "/api/v1/auth//login",
            "/api/v1/auth/./login",          // dot segments
            "/api/v1/auth/%2E/login",
            "/api/v1/auth/%2e/login",
            "/api/v1/x/../auth/login",
            "/api/v1/x/%2E%2E/auth/login",
            "/api/v1/x/%2e%2E/auth/login",   // mixed-case escapes
            "/api/v1/auth/x/y/../../login",
            "/../api/v1/auth/login",         // never climbs above the root
            "/../../api/v1/auth/login",
            "/api/v1/auth/login/",           // trailing slash
            "/api/v1/auth/login//",
            "/api/v1/auth/%6Cogin/",
            "/api/v1/auth/login;x=1",        // matrix parameters
            "/api/v1/auth;jsessionid=1/login",
            "/api/v1/auth/login?x=1",        // a query is not part of the path
            "/api/v1/auth/login#frag",
            "api/v1/auth/login",             // no leading slash
    })
    void everySpellingOfTheLoginResolvesToTheLogin(String raw) {
        assertThat(resolved(raw)).isEqualTo("/api/v1/auth/login");
    }

    @Test
    void theRootAndEmptyPathsResolveToTheRoot() {
        assertThat(resolved("/")).isEqualTo("/");
        assertThat(resolved("")).isEqualTo("/");
        assertThat(resolved(null)).isEqualTo("/");
        assertThat(resolved("//")).isEqualTo("/");
        assertThat(resolved("/./..")).isEqualTo("/");
    }

    @Test
    void escapesAreDecodedOnceAsUtf8() {
        // %25 is a literal percent sign: %256C is "%6C", not a second round of decoding.
        assertThat(resolved("/api/v1/auth/%256Cogin")).isEqualTo("/api/v1/auth/%6Cogin");
        assertThat(resolved("/a/%E4%BD%A0%E5%A5%BD")).isEqualTo("/a/你好");
        assertThat(resolved("/a/b%20c")).isEqualTo("/a/b c");
        // Only a whole segment of dots is a dot segment.
        assertThat(resolved("/a/..b/c")).isEqualTo("/a/..b/c");
        assertThat(resolved("/a/b./c")).isEqualTo("/a/b./c");
    }

    @Test
    void casesOfTheLettersThemselvesAreKept() {
        // The REST router and the static files match case-sensitively: /API is another path.
        assertThat(resolved("/API/v1/auth/login")).isEqualTo("/API/v1/auth/login");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/v1/auth%2Flogin",          // an encoded slash: a separator to one layer, a name to another
            "/api/v1/auth%2flogin",
            "/api/v1/auth%5Clogin",          // an encoded backslash
            "/api/v1/auth%5clogin",
            "/api/v1/auth\\login",           // a backslash
            "/api/v1/auth/login%00",         // control characters, encoded or raw
            "/api/v1/auth/login%0A",
            "/api/v1/auth/login%7F",
            "/api/v1/auth/login\t",
            "/api/v1/auth/login%",           // malformed escapes
            "/api/v1/auth/login%6",
            "/api/v1/auth/%G1ogin",
            "/api/v1/auth/%C3%28",           // not UTF-8
            "/api/v1/auth/%FF",
    })
    void ambiguousSpellingsAreRefused(String raw) {
        ResolvedPath.Resolution r = ResolvedPath.resolve(raw);
        assertThat(r.refused()).as(raw).isTrue();
        assertThat(r.path()).isNull();
        assertThat(r.is("/api/v1/auth/login")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/v1/auth/login", "/console/app.js", "/a/..b/c", "/a/b./c", "/a/.b", "/a/...", "/x/你好"})
    void aPathAlreadyCanonicalIsTakenAsItIs(String raw) {
        assertThat(ResolvedPath.isPlain(raw)).as(raw).isTrue();
        assertThat(resolved(raw)).isSameAs(raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/", "//a", "/a//b", "/./a", "/a/.", "/a/..", "/a/../b", "/a/%6C", "/a;b", "a", "/a\\b", "/a\tb"})
    void aPathNotYetCanonicalIsResolved(String raw) {
        assertThat(ResolvedPath.isPlain(raw)).as(raw).isFalse();
    }

    @Test
    void isUnderMatchesThePrefixAndBelowButNotANeighbour() {
        assertThat(ResolvedPath.resolve("/console").isUnder("/console")).isTrue();
        assertThat(ResolvedPath.resolve("/console/").isUnder("/console")).isTrue();
        assertThat(ResolvedPath.resolve("//%63onsole//index.html").isUnder("/console")).isTrue();
        assertThat(ResolvedPath.resolve("/x/../console/app.js").isUnder("/console")).isTrue();
        assertThat(ResolvedPath.resolve("/consoles/app.js").isUnder("/console")).isFalse();
        assertThat(ResolvedPath.resolve("/console/../widget.js").isUnder("/console")).isFalse();
    }
}
