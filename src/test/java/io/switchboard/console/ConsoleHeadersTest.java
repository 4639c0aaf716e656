package io.switchboard.console;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.RawHttp;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/**
 * The console's Content-Security-Policy: it talks only to its own origin, and it is on the page
 * however its path is spelled (DESIGN, lessons paid for).
 */
@QuarkusTest
class ConsoleHeadersTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void theConsoleConnectsOnlyToItsOwnOrigin() {
        given().when().get("/console/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("connect-src 'self';"))
                .header("Content-Security-Policy", not(containsString("ws:")))
                .header("Content-Security-Policy", not(containsString("wss:")));
    }

    @Test
    void everySpellingThatServesTheConsoleCarriesItsPolicy() {
        List<String> spellings = List.of("/console/", "//console/", "/console//", "/%63onsole/", "/%43onsole/",
                "/x/../console/", "/console/./", "/console/index.html", "/console//index.html", "/console/%69ndex.html",
                "/console/%2E/index.html", "/console/app.js", "/console;x/", "/console/index.html;x=1", "/console",
                "//console", "/console/../console/", "/widget/../console/");
        for (String spelling : spellings) {
            for (String method : List.of("GET", "HEAD")) {
                RawHttp.Answer answer = RawHttp.send(base, method, spelling, Map.of(), null);
                if (answer.status() == 200) {
                    assertThat(answer.header("Content-Security-Policy")).as(method + " " + spelling)
                            .contains("script-src 'self';", "style-src 'self';", "connect-src 'self';")
                            .doesNotContain("ws:");
                } else {
                    assertThat(answer.status()).as(method + " " + spelling).isIn(301, 404);
                    assertThat(answer.body()).as(method + " " + spelling).doesNotContain("data-testid");
                }
            }
        }
    }
}
