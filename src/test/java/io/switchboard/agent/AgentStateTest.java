package io.switchboard.agent;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

/** B2 and B3 as an agent sees them through REST. */
@QuarkusTest
class AgentStateTest {

    @Test
    void newAgentStartsOnlineWithNoLoad() {
        Fixtures.Team team = Fixtures.team(1, 7);
        given().auth().oauth2(Chat.login(team.agents().get(0).email()))
                .when().get("/api/v1/me")
                .then().statusCode(200)
                .body("status", equalTo("online"))
                .body("maxConcurrent", equalTo(7))
                .body("load", equalTo(0))
                .body("roles", hasItem("agent"))
                .body("tenantId", equalTo(team.tenantId()));
    }

    @Test
    void statusSurvivesANewLogin() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String email = team.agents().get(0).email();
        given().auth().oauth2(Chat.login(email)).contentType("application/json").body(Map.of("status", "break"))
                .when().put("/api/v1/agents/me/status")
                .then().statusCode(200).body("status", equalTo("break"));
        given().auth().oauth2(Chat.login(email))
                .when().get("/api/v1/me")
                .then().statusCode(200).body("status", equalTo("break"));
    }

    @Test
    void aLimitBelowFiveIsAcceptedWithAWarning() {
        Fixtures.Team team = Fixtures.team(1, 5);
        given().auth().oauth2(Chat.login(team.agents().get(0).email())).contentType("application/json")
                .body(Map.of("maxConcurrent", 3))
                .when().put("/api/v1/agents/me/capacity")
                .then().statusCode(200)
                .body("maxConcurrent", equalTo(3))
                .body("warning", notNullValue());
    }

    @Test
    void adminsHaveNoAgentStatus() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String jwt = Chat.login(team.adminEmail());
        given().auth().oauth2(jwt).when().get("/api/v1/me")
                .then().statusCode(200).body("roles", hasItem("admin")).body("status", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(jwt).contentType("application/json").body(Map.of("status", "online"))
                .when().put("/api/v1/agents/me/status")
                .then().statusCode(403).contentType("application/problem+json");
    }
}
