package io.switchboard.security;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * A token is not a session: removing a staff user, or changing their password or roles, ends
 * every session they had at once (REST answers 401, sockets close with 4401), and the new
 * credentials work. The same across two packaged replicas: SessionRevocationIT.
 */
@QuarkusTest
class SessionRevocationTest {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final String NEW_PASSWORD = "a-new-password-1";

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static void answers(String token, int status) {
        as(token).when().get("/api/v1/me").then().statusCode(status);
        as(token).when().get("/api/v1/conversations?state=open").then().statusCode(status);
    }

    private static String login(String email, String password, int status) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .when().post("/api/v1/auth/login").then().statusCode(status).extract().path("token");
    }

    @Test
    void aRemovedAgentsTokenAnswers401AndTheirSocketClosesWith4401() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        String token = Chat.login(agent.email());
        try (WsClient socket = Chat.agentSocket(base, token)) {
            answers(token, 200);

            as(admin).when().delete("/api/v1/admin/agents/" + agent.id()).then().statusCode(204);

            answers(token, 401);
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
            try (WsClient again = WsClient.open(Chat.base(base), "/ws/agent", token)) {
                assertThat(again.closeCode(CLOSE_WAIT)).isEqualTo(4401);
            }
            login(agent.email(), Fixtures.PASSWORD, 401);
        }
    }

    @Test
    void aPasswordSetByAnAdminEndsTheAgentsSessionsAndTheNewPasswordWorks() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        String token = Chat.login(agent.email());
        try (WsClient socket = Chat.agentSocket(base, token)) {
            as(admin).body(Map.of("password", NEW_PASSWORD)).when().put("/api/v1/admin/agents/" + agent.id())
                    .then().statusCode(200).body("id", equalTo(agent.id()));

            answers(token, 401);
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
            login(agent.email(), Fixtures.PASSWORD, 401);
            String fresh = login(agent.email(), NEW_PASSWORD, 200);
            answers(fresh, 200);
            try (WsClient next = Chat.agentSocket(base, fresh)) {
                assertThat(next.isClosed()).isFalse();
            }
        }
    }

    @Test
    void aRoleChangeEndsTheAgentsSessionsAndTheNewTokenCarriesTheNewRoles() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        String token = Chat.login(agent.email());
        try (WsClient socket = Chat.agentSocket(base, token)) {
            as(admin).body(Map.of("roles", List.of("agent", "supervisor"))).when().put("/api/v1/admin/agents/" + agent.id())
                    .then().statusCode(200).body("roles", containsInAnyOrder("agent", "supervisor"));

            answers(token, 401);
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
            String fresh = Chat.login(agent.email());
            as(fresh).when().get("/api/v1/me").then().statusCode(200).body("roles", hasItem("supervisor"));
            // Supervisors list the agents; the old token could not have.
            as(fresh).when().get("/api/v1/admin/agents").then().statusCode(200);
        }
    }

    @Test
    void theSameRolesInAnotherOrderOrOtherFieldsLeaveSessionsAlone() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        String token = Chat.login(agent.email());
        try (WsClient socket = Chat.agentSocket(base, token)) {
            as(admin).body(Map.of("roles", List.of("agent"), "name", "Renamed", "maxConcurrent", 6))
                    .when().put("/api/v1/admin/agents/" + agent.id()).then().statusCode(200);
            answers(token, 200);
            assertThat(socket.drain(Duration.ofMillis(300))).isNotNull();
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void badPasswordsAndRolesAreRefusedWithFieldErrorsAndChangeNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        String token = Chat.login(agent.email());
        as(admin).body(Map.of("password", "short", "roles", List.of("supervisor")))
                .when().put("/api/v1/admin/agents/" + agent.id())
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors.field", containsInAnyOrder("password", "roles"));
        answers(token, 200);
    }

    @Test
    void anotherTenantsAdminCannotChangeThePasswordAndGets404() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(0, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String token = Chat.login(agent.email());
        as(Chat.login(other.adminEmail())).body(Map.of("password", NEW_PASSWORD))
                .when().put("/api/v1/admin/agents/" + agent.id()).then().statusCode(404);
        as(Chat.login(other.adminEmail())).when().delete("/api/v1/admin/agents/" + agent.id()).then().statusCode(404);
        answers(token, 200);
    }

    @Test
    void changingOnesOwnPasswordEndsOtherSessionsAndAnswersATokenForTheNewOne() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String token = Chat.login(agent.email());
        String otherPage = Chat.login(agent.email());
        try (WsClient socket = Chat.agentSocket(base, otherPage)) {
            String fresh = as(token).body(Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", NEW_PASSWORD))
                    .when().put("/api/v1/me/password")
                    .then().statusCode(200).body("token", notNullValue()).body("expiresAt", notNullValue())
                    .extract().path("token");

            answers(token, 401);
            answers(otherPage, 401);
            assertThat(socket.closeCode(CLOSE_WAIT)).isEqualTo(4401);
            answers(fresh, 200);
            login(agent.email(), Fixtures.PASSWORD, 401);
            login(agent.email(), NEW_PASSWORD, 200);
        }
    }

    @Test
    void aWrongCurrentPasswordOrAShortNewOneIs400AndChangesNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String token = Chat.login(agent.email());
        as(token).body(Map.of("currentPassword", "not-the-password", "newPassword", NEW_PASSWORD))
                .when().put("/api/v1/me/password")
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors.field", contains("currentPassword"));
        as(token).body(Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", "short"))
                .when().put("/api/v1/me/password")
                .then().statusCode(400).body("errors.field", contains("newPassword"));
        given().contentType(ContentType.JSON).body(Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", NEW_PASSWORD))
                .when().put("/api/v1/me/password").then().statusCode(401);
        answers(token, 200);
        login(agent.email(), Fixtures.PASSWORD, 200);
    }
}
