package io.switchboard.badinput;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/**
 * DESIGN rule 6 for parameters: a query or path parameter that cannot be read as its type is bad
 * input, 400 problem JSON naming the field, not a 404 that reads as "no such thing".
 */
@QuarkusTest
class ParameterProblemsTest {

    private static void isAProblemNaming(io.restassured.response.ValidatableResponse r, String field) {
        r.statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo(field))
                .body("errors[0].message", containsString("must be"));
    }

    @Test
    void aMalformedNumberInAQueryParameterIs400NamingTheField() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        String conversation = UUID.randomUUID().toString();
        isAProblemNaming(given().auth().oauth2(jwt).when()
                .get("/api/v1/conversations/" + conversation + "/messages?afterSeq=abc").then(), "afterSeq");
        isAProblemNaming(given().auth().oauth2(jwt).when()
                .get("/api/v1/conversations/" + conversation + "/messages?afterSeq=1.5").then(), "afterSeq");
        isAProblemNaming(given().auth().oauth2(jwt).when()
                .get("/api/v1/conversations/" + conversation + "/messages?limit=ten").then(), "limit");
        isAProblemNaming(given().auth().oauth2(jwt).when()
                .get("/api/v1/conversations?limit=99999999999999999999").then(), "limit");
        isAProblemNaming(given().auth().oauth2(jwt).when()
                .get("/api/v1/queue?minWaitSeconds=soon").then(), "minWaitSeconds");
    }

    @Test
    void wellFormedParametersStillWorkAndAMissingConversationIsStill404() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        given().auth().oauth2(jwt).when().get("/api/v1/conversations?limit=5").then().statusCode(200);
        given().auth().oauth2(jwt).when().get("/api/v1/queue?minWaitSeconds=0").then().statusCode(200);
        given().auth().oauth2(jwt).when()
                .get("/api/v1/conversations/" + UUID.randomUUID() + "/messages?afterSeq=0").then().statusCode(404);
    }
}
