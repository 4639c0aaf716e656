package io.switchboard.security;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/** An endpoint that states no role is closed to everyone, not open to everyone. */
@QuarkusTest
class DenyUnannotatedTest {

    @Test
    void anEndpointWithoutARoleDecisionIsRefusedToAnonymousAndToStaff() {
        given().when().get("/api/v1/test-only/unannotated")
                .then().statusCode(401).contentType(startsWith("application/problem+json"))
                .body(not(containsString("reached")));
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        given().auth().oauth2(jwt).when().get("/api/v1/test-only/unannotated")
                .then().statusCode(403).body(not(containsString("reached")));
    }

    @Test
    void thePublicEndpointsStayOpen() {
        given().contentType("application/json").body("{\"email\":\"nobody@test.test\",\"password\":\"x\"}")
                .when().post("/api/v1/auth/login").then().statusCode(401);
        given().redirects().follow(false).when().get("/console").then().statusCode(301);
    }
}
