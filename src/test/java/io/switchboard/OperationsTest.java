package io.switchboard;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** What operators rely on: health with both stores, metrics, the API description. */
@QuarkusTest
class OperationsTest {

    @Test
    void healthReportsPostgresAndRedis() {
        given().when().get("/q/health")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Redis connection health check", "Reactive PostgreSQL connections health check"));
    }

    @Test
    void prometheusMetricsAreExposed() {
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void openApiDescribesTheRestApi() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body(containsString("/api/v1/conversations"))
                .body(containsString("/api/v1/auth/login"));
    }

    @Test
    void anonymousCallsToStaffEndpointsAnswerProblemJson401() {
        given().when().get("/api/v1/conversations")
                .then().statusCode(401);
    }
}
