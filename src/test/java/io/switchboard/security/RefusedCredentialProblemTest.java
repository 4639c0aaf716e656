package io.switchboard.security;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * A refused credential is answered like every other refusal, with 401 problem JSON and the
 * bearer challenge: a forged or garbled token, a token whose session ended, and no token at
 * all on a staff endpoint. A bare 401 with an empty body leaves a client unable to tell "log
 * in again" from a broken proxy. Proactive authentication hands these refusals to the REST
 * problem mappers on every route, static files and health checks included.
 */
@QuarkusTest
class RefusedCredentialProblemTest {

    private static void isProblem401(ValidatableResponse r) {
        r.statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(401))
                .body("title", equalTo("Unauthorized"))
                .body("detail", notNullValue());
    }

    @Test
    void aGarbledTokenIsRefusedWithProblemJson() {
        isProblem401(given().auth().oauth2("not.a.token").when().get("/api/v1/me").then());
    }

    @Test
    void aGarbledTokenOutsideTheRestApiIsRefusedWithProblemJsonToo() {
        // Authentication is proactive: every route checks a credential that is sent, the console's
        // static files and the health checks too, where no REST exception mapper runs.
        isProblem401(given().auth().oauth2("not.a.token").when().get("/console/").then());
        isProblem401(given().auth().oauth2("not.a.token").when().get("/q/health/ready").then());
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefusedWithProblemJson() {
        // A well-formed JWT whose signature is not ours: header.payload of any token, a made-up signature.
        String token = Chat.login(Fixtures.team(1, 5).adminEmail());
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        isProblem401(given().auth().oauth2(forged).when().get("/api/v1/conversations?state=open").then());
    }

    @Test
    void aTokenWhoseSessionEndedIsRefusedWithProblemJson() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String token = Chat.login(agent.email());
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", "another-password-2"))
                .when().put("/api/v1/me/password").then().statusCode(200);
        isProblem401(given().auth().oauth2(token).when().get("/api/v1/me").then());
    }

    @Test
    void noTokenOnAStaffEndpointIsRefusedWithProblemJson() {
        isProblem401(given().when().get("/api/v1/admin/groups").then());
    }
}
