package io.switchboard.channel.widget;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;

/** The widget works from customers' pages on other origins; staff endpoints stay same-origin. */
@QuarkusTest
class WidgetCorsTest {

    private static final String SHOP = "https://shop.example";

    @Test
    void aCustomersPageMayAskForAVisitorToken() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String path = "/api/v1/widget/" + team.channelKey() + "/visitors";
        given().header("Origin", SHOP).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .when().options(path)
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", "*")
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Content-Type"));
        given().header("Origin", SHOP).contentType("application/json").body("{}")
                .when().post(path)
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", "*");
    }

    @Test
    void theWidgetsFilesLoadFromAnyOrigin() {
        for (String file : new String[] {"/widget.js", "/widget/widget.css", "/i18n/en.json", "/i18n/zh-CN.json"}) {
            given().header("Origin", SHOP).when().get(file)
                    .then().statusCode(200)
                    .header("Access-Control-Allow-Origin", "*");
        }
        // The loader imports the widget as an ES module: the redirect and the hashed file need CORS too.
        String hashed = given().header("Origin", SHOP).redirects().follow(false).when().get("/static/bundle/widget.js")
                .then().statusCode(302)
                .header("Access-Control-Allow-Origin", "*")
                .extract().header("Location");
        given().header("Origin", SHOP).when().get(hashed)
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", "*");
    }

    @Test
    void staffEndpointsGetNoCorsHeaders() {
        given().header("Origin", SHOP).when().get("/api/v1/me")
                .then().statusCode(401)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theDemoPageEmbedsTheWidget() {
        given().when().get("/")
                .then().statusCode(200)
                .body(containsString("/demo.js"));
        given().when().get("/demo.js")
                .then().statusCode(200)
                .body(containsString("tag.dataset.channel = channel"))
                .header("Content-Type", containsString("javascript"));
    }
}
