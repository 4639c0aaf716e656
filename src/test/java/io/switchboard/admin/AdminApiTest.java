package io.switchboard.admin;

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
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Admin REST (A2, A3, A4, A6): who may call it, what it refuses, and that it stays inside the tenant. */
@QuarkusTest
class AdminApiTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    private static String email() {
        return "new-" + UUID.randomUUID().toString().substring(0, 8) + "@test.test";
    }

    // ---------------------------------------------------------------- agents

    @Test
    void adminCreatesAnAgentWhoCanLogInAndIsListedWithGroupsHowAddedAndLiveState() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String email = email();
        String id = as(admin).body(Map.of("email", email, "name", "Nora", "password", "long-enough",
                        "groupIds", List.of(team.groupId()), "maxConcurrent", 7, "skills", Map.of("billing", 3)))
                .when().post("/api/v1/admin/agents")
                .then().statusCode(201)
                .body("addedVia", equalTo("admin"))
                .body("status", equalTo("online"))
                .body("load", equalTo(0))
                .body("maxConcurrent", equalTo(7))
                .body("groups.id", contains(team.groupId()))
                .body("skills.billing", equalTo(3))
                .extract().path("id");

        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "long-enough"))
                .when().post("/api/v1/auth/login").then().statusCode(200);
        as(admin).when().get("/api/v1/admin/agents").then().statusCode(200)
                .body("id", hasItem(id))
                .body("find { it.id == '" + team.agents().get(0).id() + "' }.addedVia", equalTo("seed"))
                .body("find { it.id == '" + team.agents().get(0).id() + "' }.status", equalTo("online"));
    }

    @Test
    void invalidAgentsAreRefusedWithEveryFieldErrorAndNothingIsCreated() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        String email = "not-an-email";
        as(admin).body(Map.of("email", email, "name", " ", "password", "short", "maxConcurrent", 0,
                        "roles", List.of("boss")))
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", containsInAnyOrder("email", "name", "password", "maxConcurrent", "roles"));
        as(admin).body(Map.of("email", email(), "name", "X", "password", "long-enough",
                        "groupIds", List.of(UUID.randomUUID().toString())))
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400).body("errors[0].field", equalTo("groupIds"));
        as(admin).body(Map.of("email", team.adminEmail(), "name", "X", "password", "long-enough"))
                .when().post("/api/v1/admin/agents")
                .then().statusCode(400).body("errors[0].field", equalTo("email"));
        assertThat(Fixtures.count("select count(*) from agents where tenant_id = ?", team.tenantId())).isZero();
    }

    @Test
    void supervisorsReadButDoNotChangeAndAgentsSeeNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String supervisorEmail = email();
        as(admin).body(Map.of("email", supervisorEmail, "name", "Sue", "password", Fixtures.PASSWORD,
                        "roles", List.of("agent", "supervisor")))
                .when().post("/api/v1/admin/agents").then().statusCode(201);
        String supervisor = Chat.login(supervisorEmail);
        String agent = Chat.login(team.agents().get(0).email());

        as(supervisor).when().get("/api/v1/admin/agents").then().statusCode(200);
        as(supervisor).when().get("/api/v1/admin/rules").then().statusCode(200);
        as(supervisor).when().get("/api/v1/admin/settings").then().statusCode(200);
        as(supervisor).body(Map.of("email", email(), "name", "X", "password", "long-enough"))
                .when().post("/api/v1/admin/agents").then().statusCode(403).contentType(PROBLEM_JSON);
        as(supervisor).body(Map.of("defaultMaxConcurrent", 3)).when().put("/api/v1/admin/settings").then().statusCode(403);
        as(agent).when().get("/api/v1/admin/agents").then().statusCode(403);
        given().when().get("/api/v1/admin/groups").then().statusCode(401);
    }

    @Test
    void anotherTenantsObjectsAnswer404() {
        Fixtures.Team mine = Fixtures.team(0, 5);
        Fixtures.Team theirs = Fixtures.team(1, 5);
        String admin = Chat.login(mine.adminEmail());
        String theirAgent = theirs.agents().get(0).id();
        as(admin).when().get("/api/v1/admin/agents/" + theirAgent).then().statusCode(404).contentType(PROBLEM_JSON);
        as(admin).body(Map.of("maxConcurrent", 3)).when().put("/api/v1/admin/agents/" + theirAgent).then().statusCode(404);
        as(admin).when().delete("/api/v1/admin/agents/" + theirAgent).then().statusCode(404);
        as(admin).when().get("/api/v1/admin/groups/" + theirs.groupId()).then().statusCode(404);
        as(admin).body(Map.of("name", "mine now")).when().put("/api/v1/admin/groups/" + theirs.groupId()).then().statusCode(404);
        as(admin).when().get("/api/v1/admin/agents/not-a-uuid").then().statusCode(404);

        String theirAdmin = Chat.login(theirs.adminEmail());
        String rule = as(theirAdmin).body(Map.of("name", "all", "position", 1, "groupIds", List.of(theirs.groupId())))
                .when().post("/api/v1/admin/rules").then().statusCode(201).extract().path("id");
        as(admin).when().get("/api/v1/admin/rules/" + rule).then().statusCode(404);
        as(admin).when().delete("/api/v1/admin/rules/" + rule).then().statusCode(404);
        // Nor can a rule of mine point at their group.
        as(admin).body(Map.of("name", "steal", "position", 1, "groupIds", List.of(theirs.groupId())))
                .when().post("/api/v1/admin/rules").then().statusCode(400).body("errors[0].field", equalTo("groupIds"));
        assertThat(Fixtures.count("select count(*) from agents where user_id = ? and removed_at is null", theirAgent)).isOne();
    }

    @Test
    void loweringALimitBelowTheLoadIsKeptWithAWarningAndGroupsAreReplaced() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agentId = team.agents().get(0).id();
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            Chat.send(visitor, null, Chat.clientId(), "hello");
            Chat.received(visitor, Chat.type("assigned"));
            Chat.send(Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token()), null, Chat.clientId(), "me too");
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from conversations where assignee_id = ? and state = 'open'", agentId) == 2);
            String group = as(admin).body(Map.of("name", "Billing " + UUID.randomUUID()))
                    .when().post("/api/v1/admin/groups").then().statusCode(201).extract().path("id");
            as(admin).body(Map.of("maxConcurrent", 1, "groupIds", List.of(group)))
                    .when().put("/api/v1/admin/agents/" + agentId)
                    .then().statusCode(200)
                    .body("maxConcurrent", equalTo(1))
                    .body("load", equalTo(2))
                    .body("warning", containsString("below"))
                    .body("groups.id", contains(group));
            assertThat(Fixtures.count("select count(*) from group_members where agent_id = ?", agentId)).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void removingAnAgentDisablesTheAccountAndGivesTheirConversationsToAnotherAgent() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String leaving = team.agents().get(0).id();
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String conversation = Chat.send(visitor, null, Chat.clientId(), "hello").path("conversationId").asText();
            Chat.received(visitor, Chat.type("assigned"));

            String email = email();
            String staying = as(admin).body(Map.of("email", email, "name", "Stays", "password", Fixtures.PASSWORD,
                            "groupIds", List.of(team.groupId())))
                    .when().post("/api/v1/admin/agents").then().statusCode(201).extract().path("id");
            as(Chat.login(email)).body(Map.of("status", "online")).when().put("/api/v1/agents/me/status").then().statusCode(200);

            as(admin).when().delete("/api/v1/admin/agents/" + leaving).then().statusCode(204);

            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ? and assignee_id = ? and state = 'open'",
                    conversation, staying) == 1);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'released'",
                    conversation)).isOne();
            given().contentType(ContentType.JSON).body(Map.of("email", team.agents().get(0).email(), "password", Fixtures.PASSWORD))
                    .when().post("/api/v1/auth/login").then().statusCode(401);
            as(admin).when().get("/api/v1/admin/agents").then().body("id", contains(staying));
            as(admin).when().delete("/api/v1/admin/agents/" + leaving).then().statusCode(404);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    // ---------------------------------------------------------------- groups

    @Test
    void groupsKeepWeeklyHoursTimeZoneAndHolidaysAndRefuseBadOnes() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        String id = as(admin).body(Map.of("name", "Night shift", "timeZone", "Asia/Shanghai",
                        "weeklyHours", Map.of("MONDAY", List.of("22:00-02:00")), "holidays", List.of("2026-12-25")))
                .when().post("/api/v1/admin/groups")
                .then().statusCode(201)
                .body("alwaysOpen", equalTo(false))
                .body("timeZone", equalTo("Asia/Shanghai"))
                .body("weeklyHours.MONDAY", contains("22:00-02:00"))
                .body("holidays", contains("2026-12-25"))
                .body("nextOpening", notNullValue())
                .extract().path("id");
        as(admin).body(Map.of("timeZone", "Mars/Olympus", "weeklyHours", Map.of("FUNDAY", List.of("9-5")),
                        "holidays", List.of("someday")))
                .when().put("/api/v1/admin/groups/" + id)
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", containsInAnyOrder("timeZone", "weeklyHours.FUNDAY", "holidays"));
        as(admin).body(Map.of("alwaysOpen", true)).when().put("/api/v1/admin/groups/" + id)
                .then().statusCode(200).body("openNow", equalTo(true)).body("timeZone", equalTo("Asia/Shanghai"));
        as(admin).body(Map.of("name", "General")).when().post("/api/v1/admin/groups")
                .then().statusCode(400).body("errors[0].field", equalTo("name"));
        as(admin).when().get("/api/v1/admin/groups").then().statusCode(200).body("name", containsInAnyOrder("General", "Night shift"));
    }

    // ---------------------------------------------------------------- settings

    @Test
    void settingsStartAtDefaultsAndKeepChannelPriorityAndQueueOrder() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        as(admin).when().get("/api/v1/admin/settings").then().statusCode(200)
                .body("defaultMaxConcurrent", equalTo(10))
                .body("autoCloseMinutes", nullValue())
                .body("channels[0].queueOrder", equalTo("fifo"));
        as(admin).body(Map.of("defaultMaxConcurrent", 4, "autoCloseMinutes", 30, "autoReassignMinutes", 5,
                        "channels", List.of(Map.of("id", team.channelId(), "priority", 3, "queueOrder", "lifo"))))
                .when().put("/api/v1/admin/settings").then().statusCode(200)
                .body("defaultMaxConcurrent", equalTo(4))
                .body("autoCloseMinutes", equalTo(30))
                .body("autoReassignMinutes", equalTo(5))
                .body("channels[0].priority", equalTo(3))
                .body("channels[0].queueOrder", equalTo("lifo"));
        // A new agent without a limit gets the tenant's default.
        as(admin).body(Map.of("email", email(), "name", "D", "password", "long-enough"))
                .when().post("/api/v1/admin/agents").then().statusCode(201).body("maxConcurrent", equalTo(4));

        as(admin).body(Map.of("defaultMaxConcurrent", 0, "autoCloseMinutes", 0,
                        "channels", List.of(Map.of("id", team.channelId(), "queueOrder", "random"))))
                .when().put("/api/v1/admin/settings").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("defaultMaxConcurrent", "autoCloseMinutes", "channels[0].queueOrder"));
        Fixtures.Team other = Fixtures.team(0, 5);
        as(admin).body(Map.of("channels", List.of(Map.of("id", other.channelId(), "priority", 9))))
                .when().put("/api/v1/admin/settings").then().statusCode(400).body("errors[0].field", equalTo("channels[0].id"));
        assertThat(Fixtures.count("select priority from channels where id = ?", other.channelId())).isZero();
        as(admin).when().get("/api/v1/admin/settings").then().body("defaultMaxConcurrent", equalTo(4));
    }

    // ---------------------------------------------------------------- rules

    @Test
    void rulesCompileWhenSavedAndListInTheOrderTheyAreTried() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        String catchAll = as(admin).body(Map.of("name", "everyone", "position", 100, "groupIds", List.of(team.groupId())))
                .when().post("/api/v1/admin/rules").then().statusCode(201)
                .body("strategy", equalTo("least-load")).body("enabled", equalTo(true)).extract().path("id");
        String vip = as(admin).body(Map.of("name", "vip", "position", 1, "groupIds", List.of(team.groupId()),
                        "strategy", "round-robin", "preferLastAgent", true, "outOfHoursText", "Back at nine",
                        "conditions", List.of(
                                Map.of("type", "channel", "values", List.of(team.channelId())),
                                Map.of("type", "pageUrl", "match", "regex", "pattern", "^https://shop\\.example/vip/.*"),
                                Map.of("type", "tier", "values", List.of("gold")),
                                Map.of("type", "attribute", "name", "plan", "values", List.of("pro")))))
                .when().post("/api/v1/admin/rules").then().statusCode(201)
                .body("conditions[1].pattern", equalTo("^https://shop\\.example/vip/.*"))
                .extract().path("id");
        as(admin).when().get("/api/v1/admin/rules").then().statusCode(200).body("id", contains(vip, catchAll));

        as(admin).body(Map.of("name", "broken", "position", 2, "groupIds", List.of(team.groupId()), "strategy", "coin-flip",
                        "conditions", List.of(Map.of("type", "tier", "values", List.of()),
                                Map.of("type", "pageUrl", "match", "regex", "pattern", "(unclosed"),
                                Map.of("type", "weather"))))
                .when().post("/api/v1/admin/rules").then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", containsInAnyOrder("conditions[0]", "conditions[1]", "conditions[2]", "strategy"));
        as(admin).body(Map.of("name", "nowhere", "position", 2, "groupIds", List.of()))
                .when().post("/api/v1/admin/rules").then().statusCode(400).body("errors[0].field", equalTo("groupIds"));
        Fixtures.Team other = Fixtures.team(0, 5);
        as(admin).body(Map.of("name", "their channel", "position", 2, "groupIds", List.of(team.groupId()),
                        "conditions", List.of(Map.of("type", "channel", "values", List.of(other.channelId())))))
                .when().post("/api/v1/admin/rules").then().statusCode(400).body("errors[0].field", equalTo("conditions[0].values"));

        as(admin).body(Map.of("position", 200, "enabled", false)).when().put("/api/v1/admin/rules/" + catchAll)
                .then().statusCode(200).body("position", equalTo(200)).body("enabled", equalTo(false)).body("name", equalTo("everyone"));
        as(admin).when().delete("/api/v1/admin/rules/" + vip).then().statusCode(204);
        as(admin).when().get("/api/v1/admin/rules").then().body("id", contains(catchAll));
    }

    @Test
    void theAdminApiIsDocumentedInOpenApi() {
        String doc = given().when().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(doc).contains("/api/v1/admin/agents", "/api/v1/admin/groups", "/api/v1/admin/settings",
                "/api/v1/admin/rules");
    }
}
