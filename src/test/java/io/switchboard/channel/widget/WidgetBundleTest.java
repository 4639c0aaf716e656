package io.switchboard.channel.widget;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The widget as customers' pages fetch it: /widget.js, the loader they name, stays put and
 * imports the current build through a redirect nobody caches; the build itself has a content
 * hash in its name. And all of it stays small on the wire: a widget loads on every page of a
 * customer's site.
 */
@QuarkusTest
class WidgetBundleTest {

    /** Budget for the widget's scripts and styles, gzipped (README, "Embed the widget"). */
    static final int GZIP_BUDGET = 60 * 1024;

    @Test
    void theLoaderStaysPutAndImportsTheCurrentBuildThroughARedirectNobodyCaches() {
        String loader = given().when().get("/widget.js").then().statusCode(200)
                .header("Content-Type", org.hamcrest.Matchers.containsString("javascript"))
                .header("Cache-Control", "public, max-age=3600")
                .extract().asString();
        assertThat(loader).contains("import(").contains("/static/bundle/widget.js");

        Response redirect = given().redirects().follow(false).when().get("/static/bundle/widget.js");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.header("Cache-Control")).contains("no-cache");
        String hashed = redirect.header("Location");
        assertThat(hashed).matches("/static/bundle/widget-[A-Z0-9]+\\.js");

        String module = given().when().get(hashed).then().statusCode(200)
                .header("Content-Type", org.hamcrest.Matchers.containsString("javascript"))
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .extract().asString();
        assertThat(module).contains("export{").contains("SwitchboardWidget");
    }

    @Test
    void theWidgetStaysWithinItsGzipBudget() {
        int loader = gzipped(given().when().get("/widget.js").then().statusCode(200).extract().asByteArray());
        int module = gzipped(given().when().get("/static/bundle/widget.js").then().statusCode(200).extract().asByteArray());
        int styles = gzipped(given().when().get("/widget/widget.css").then().statusCode(200).extract().asByteArray());
        int total = loader + module + styles;
        System.out.printf("widget gzip size: loader %d B, module %d B, styles %d B, total %d B (budget %d B)%n",
                loader, module, styles, total, GZIP_BUDGET);
        assertThat(total).as("gzipped bytes of loader, module and styles").isLessThanOrEqualTo(GZIP_BUDGET);
    }

    private static int gzipped(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.size();
    }
}
