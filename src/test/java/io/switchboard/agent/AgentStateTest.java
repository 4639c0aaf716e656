package io.switchboard.agent;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.testing.Fixtures;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

/** B2 and B3 as an agent sees them through REST. */
@QuarkusTest
class AgentStateTest {

    @Inject
    RedisDataSource redis;

    @Inject
    LiveAgents live;

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

    /**
     * A rebuild of the live state (the reconciler, another replica) may read PostgreSQL just
     * before a status change commits and seed the old status just after the change found no
     * live copy: the change must still be what the agent and the router see. The rebuild is
     * raced against each change at a random moment; any interleaving must end with the new status.
     */
    @Test
    void aStatusChangeWinsOverARebuildThatReadTheOldStatus() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agentId = team.agents().get(0).id();
        String token = Chat.login(team.agents().get(0).email());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 40; i++) {
                AgentStatus wanted = i % 2 == 0 ? AgentStatus.BREAK : AgentStatus.ONLINE;
                AgentStatus old = i % 2 == 0 ? AgentStatus.ONLINE : AgentStatus.BREAK;
                redis.key().del(RedisKeys.agent(team.tenantId(), agentId));
                long delayMicros = ThreadLocalRandom.current().nextLong(0, 8_000);
                Future<?> staleRebuild = pool.submit(() -> {
                    LockSupport.parkNanos(delayMicros * 1_000);
                    live.seed(team.tenantId(), agentId, old, 5, 0).await().indefinitely();
                });
                given().auth().oauth2(token).contentType("application/json").body(Map.of("status", wanted.wire()))
                        .when().put("/api/v1/agents/me/status")
                        .then().statusCode(200).body("status", equalTo(wanted.wire()));
                staleRebuild.get();
                given().auth().oauth2(token).when().get("/api/v1/me")
                        .then().statusCode(200).body("status", equalTo(wanted.wire()));
            }
        } finally {
            pool.shutdownNow();
            Chat.retire(team.tenantId());
        }
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
