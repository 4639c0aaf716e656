package io.switchboard.console;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The console is served by the service itself, locked to its own scripts, in both languages. */
@QuarkusTest
class ConsoleServingTest {

    @Test
    void theConsolePageRunsOnlyItsOwnScripts() {
        given().header("Origin", "https://shop.example").when().get("/console/")
                .then().statusCode(200)
                .body(containsString("data-testid=\"login-email\""))
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("style-src 'self'"));
    }

    @Test
    void theSlashlessAddressLeadsToTheConsole() {
        given().redirects().follow(false).when().get("/console")
                .then().statusCode(equalTo(301))
                .header("Location", containsString("/console/"));
    }

    @Test
    void bothMessageFilesHaveEveryText() {
        var en = given().when().get("/i18n/en.json").then().statusCode(200).extract().jsonPath();
        var zh = given().when().get("/i18n/zh-CN.json").then().statusCode(200).extract().jsonPath();
        for (String part : new String[] {"console", "widget"}) {
            Map<String, Object> english = en.getMap(part);
            Map<String, Object> chinese = zh.getMap(part);
            assertThat(chinese.keySet()).as(part).isEqualTo(english.keySet());
        }
    }
}
