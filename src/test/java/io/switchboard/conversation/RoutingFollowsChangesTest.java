package io.switchboard.conversation;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.routing.setup.CountingSetupReader;
import io.switchboard.routing.setup.RoutingSetups;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing keeps each tenant's decoded rules, group hours and out-of-hours text in memory, and
 * still follows every change from the very next conversation: the tests run with a kept setup
 * trusted for an hour ({@code %test.switchboard.routing.cache-ttl}), so nothing here passes by
 * the setup aging out.
 */
@QuarkusTest
class RoutingFollowsChangesTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    MessageStore messages;

    @Inject
    RuleRouting routing;

    @Inject
    ConversationStore store;

    @Inject
    QueueDispatcher dispatcher;

    @Inject
    RoutingSetups setups;

    @Inject
    CountingSetupReader reader;

    @Inject
    ReactiveRedisDataSource redis;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    /** A second group, holding the team's second agent, created over the admin API. */
    private static String secondGroup(String admin, Fixtures.Team team, Map<String, Object> hours) {
        Map<String, Object> body = new HashMap<>(hours);
        body.put("name", "Billing " + UUID.randomUUID());
        String group = as(admin).body(body).when().post("/api/v1/admin/groups").then().statusCode(201).extract().path("id");
        as(admin).body(Map.of("groupIds", List.of(group))).when().put("/api/v1/admin/agents/" + team.agents().get(1).id())
                .then().statusCode(200);
        return group;
    }

    /** A rule every conversation matches, sending it to the group. */
    private static String catchAll(String admin, String group, int position) {
        return as(admin).body(Map.of("name", "all " + position, "position", position, "groupIds", List.of(group)))
                .when().post("/api/v1/admin/rules").then().statusCode(201).extract().path("id");
    }

    /** Starts a conversation and routes it as the replica that started it does; its id. */
    private String routeOne(Fixtures.Team team) {
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        String conversation = UUID.randomUUID().toString();
        messages.startByVisitor(team.tenantId(), team.channelId(), visitor.id(), conversation, "c-1", "hello")
                .await().atMost(Duration.ofSeconds(10)).orElseThrow();
        ConversationRow row = store.find(team.tenantId(), conversation).await().atMost(Duration.ofSeconds(10)).orElseThrow();
        routing.routeNew(row).await().atMost(Duration.ofSeconds(10));
        return conversation;
    }

    private static boolean routedTo(String conversation, String group) {
        return Fixtures.count("select count(*) from conversations where id = ?::uuid and group_id = ?::uuid and hold is null",
                conversation, group) == 1;
    }

    @Test
    void aRuleChangedOverTheApiDecidesTheVeryNextConversation() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String billing = secondGroup(admin, team, Map.of());
        String rule = catchAll(admin, billing, 1);
        try {
            assertThat(routedTo(routeOne(team), billing)).isTrue();
            assertThat(routedTo(routeOne(team), billing)).as("the setup is kept").isTrue();
            int reads = reader.reads(team.tenantId());

            as(admin).body(Map.of("groupIds", List.of(team.groupId()))).when().put("/api/v1/admin/rules/" + rule)
                    .then().statusCode(200);
            assertThat(routedTo(routeOne(team), team.groupId())).isTrue();
            assertThat(reader.reads(team.tenantId())).isEqualTo(reads + 1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aRuleAddedAboveTheOthersOrDeletedDecidesTheVeryNextConversation() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String billing = secondGroup(admin, team, Map.of());
        catchAll(admin, team.groupId(), 5);
        try {
            assertThat(routedTo(routeOne(team), team.groupId())).isTrue();
            String above = catchAll(admin, billing, 1);
            assertThat(routedTo(routeOne(team), billing)).isTrue();
            as(admin).when().delete("/api/v1/admin/rules/" + above).then().statusCode(204);
            assertThat(routedTo(routeOne(team), team.groupId())).isTrue();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void groupHoursChangedOverTheApiDecideTheVeryNextConversation() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String billing = secondGroup(admin, team, Map.of());
        catchAll(admin, billing, 1);
        try {
            assertThat(routedTo(routeOne(team), billing)).isTrue();
            // No weekly schedule any more and not open around the clock: closed now.
            as(admin).body(Map.of("alwaysOpen", false)).when().put("/api/v1/admin/groups/" + billing).then().statusCode(200);
            String closed = routeOne(team);
            assertThat(Fixtures.count("select count(*) from conversations where id = ?::uuid and hold = 'offline'", closed)).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void theTenantsOutOfHoursTextChangedOverTheApiIsWhatTheNextVisitorReads() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String billing = secondGroup(admin, team, Map.of("alwaysOpen", false));
        catchAll(admin, billing, 1);
        try {
            as(admin).body(Map.of("outOfHoursText", "Back on Monday")).when().put("/api/v1/admin/settings").then().statusCode(200);
            assertThat(outOfHoursNotice(team)).isEqualTo("Back on Monday");
            as(admin).body(Map.of("outOfHoursText", "Back on Tuesday")).when().put("/api/v1/admin/settings").then().statusCode(200);
            assertThat(outOfHoursNotice(team)).isEqualTo("Back on Tuesday");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** What a new visitor reads when their conversation arrives out of hours. */
    private String outOfHoursNotice(Fixtures.Team team) {
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "anyone?").path("conversationId").asText();
            var notice = Chat.received(v, Chat.type("notice", c));
            assertThat(notice.path("code").asText()).isEqualTo("out_of_hours");
            return notice.path("text").asText();
        }
    }

    @Test
    void aChangeAnnouncedByAnotherReplicaIsHonouredAtOnce() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String billing = secondGroup(admin, team, Map.of());
        String rule = catchAll(admin, billing, 1);
        try {
            assertThat(routedTo(routeOne(team), billing)).isTrue();
            // Another replica changes the rule in PostgreSQL...
            Fixtures.count("with x as (update routing_rules set spec = jsonb_set(spec, '{groupIds}', jsonb_build_array(?::text))"
                    + " where id = ?::uuid returning 1) select count(*) from x", team.groupId(), rule);
            // ...this replica does not read it for every conversation, so it routes by what it kept...
            assertThat(routedTo(routeOne(team), billing)).isTrue();
            // ...until the other replica announces the change, once committed.
            redis.execute(Command.PUBLISH, RedisKeys.routingSetupChannel(), team.tenantId()).await().atMost(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> setups.of(team.tenantId()).await().atMost(Duration.ofSeconds(5))
                    .rules().get(0).target().groupIds().equals(List.of(team.groupId())));
            assertThat(routedTo(routeOne(team), team.groupId())).isTrue();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aWaitingConversationIsServedFromTheGroupsItsRuleNamesNowNotWhenItWasPlaced() {
        // One agent with room for one in the team's group; the second agent only in billing.
        Fixtures.Team team = Fixtures.team(2, 1);
        String admin = Chat.login(team.adminEmail());
        String billing = secondGroup(admin, team, Map.of());
        String rule = catchAll(admin, team.groupId(), 1);
        try {
            String first = routeOne(team);
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ?::uuid and assignee_id = ?::uuid", first, team.agents().get(0).id()) == 1);
            String waiting = routeOne(team);
            assertThat(Fixtures.count("select count(*) from conversations where id = ?::uuid and state = 'queued'", waiting)).isOne();

            as(admin).body(Map.of("groupIds", List.of(team.groupId(), billing))).when().put("/api/v1/admin/rules/" + rule)
                    .then().statusCode(200);
            dispatcher.dispatch(team.tenantId(), team.groupId()).await().atMost(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ?::uuid and assignee_id = ?::uuid", waiting, team.agents().get(1).id()) == 1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void routingReadsTheTenantsSetupOnceForManyConversations() {
        // Before, every routed conversation read the rules and the groups' hours (and, out of
        // hours, the tenant's text): two or three statements each, and every dispatch by a rule
        // its rule and its groups' hours again. Now one read of three statements serves them
        // all until something changes.
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        catchAll(admin, team.groupId(), 1);
        try {
            for (int i = 0; i < 5; i++) {
                routeOne(team);
            }
            assertThat(reader.reads(team.tenantId())).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
