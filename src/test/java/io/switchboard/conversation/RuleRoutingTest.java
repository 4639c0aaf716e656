package io.switchboard.conversation;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.restassured.specification.RequestSpecification;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** New conversations follow the tenant's rules (A6), out of hours become offline messages (B5). */
@QuarkusTest
class RuleRoutingTest {

    @TestHTTPResource("/")
    URL base;

    @jakarta.inject.Inject
    MessageStore messages;

    @jakarta.inject.Inject
    QueueDispatcher dispatcher;

    @jakarta.inject.Inject
    RuleRouting routing;

    @jakarta.inject.Inject
    ConversationStore store;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    /** A visitor on the page, with a token. */
    private static Chat.Visitor visitorOn(String channelKey, String pageUrl) {
        var body = given().contentType(ContentType.JSON).body(Map.of("attributes", Map.of("pageUrl", pageUrl)))
                .when().post("/api/v1/widget/" + channelKey + "/visitors").then().statusCode(200).extract();
        return new Chat.Visitor(body.path("visitorId"), body.path("visitorToken"));
    }

    /** A second group holding the team's second agent only, created over the admin API. */
    private static String groupFor(String admin, String agentId, Map<String, Object> hours) {
        Map<String, Object> body = new java.util.HashMap<>(hours);
        body.put("name", "Billing " + UUID.randomUUID());
        String group = as(admin).body(body).when().post("/api/v1/admin/groups").then().statusCode(201).extract().path("id");
        as(admin).body(Map.of("groupIds", List.of(group))).when().put("/api/v1/admin/agents/" + agentId).then().statusCode(200);
        return group;
    }

    /** The team's second agent gets the skill "billing", and one skill-weighted rule requiring it covers the team's group. */
    private static String skilledAgentWithRule(Fixtures.Team team) {
        String admin = Chat.login(team.adminEmail());
        String skilled = team.agents().get(1).id();
        as(admin).body(Map.of("skills", Map.of("billing", 5))).when().put("/api/v1/admin/agents/" + skilled).then().statusCode(200);
        as(admin).body(Map.of("name", "all", "position", 1, "groupIds", List.of(team.groupId()), "strategy", "skill-weighted",
                "requiredSkills", List.of("billing"))).when().post("/api/v1/admin/rules").then().statusCode(201);
        return skilled;
    }

    private static String rule(String admin, String group, String pageContains, String outOfHours) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "billing pages", "position", 1,
                "groupIds", List.of(group),
                "conditions", List.of(Map.of("type", "pageUrl", "match", "contains", "pattern", pageContains))));
        if (outOfHours != null) {
            body.put("outOfHoursText", outOfHours);
        }
        return as(admin).body(body).when().post("/api/v1/admin/rules").then().statusCode(201).extract().path("id");
    }

    /** One catch-all least-load rule sending every conversation to the team's group; its id. */
    private static String catchAllRule(String admin, Fixtures.Team team) {
        return as(admin).body(Map.of("name", "all", "position", 1, "groupIds", List.of(team.groupId()),
                "strategy", "least-load")).when().post("/api/v1/admin/rules").then().statusCode(201).extract().path("id");
    }

    /** Starts a conversation with the visitor's first message, as a replica does before routing it. */
    private void start(Fixtures.Team team, Chat.Visitor visitor, String conversation, String text) {
        messages.startByVisitor(team.tenantId(), team.channelId(), visitor.id(), conversation, "c-1", text)
                .await().atMost(Duration.ofSeconds(10)).orElseThrow();
    }

    private ConversationRow read(Fixtures.Team team, String conversation) {
        return store.find(team.tenantId(), conversation).await().atMost(Duration.ofSeconds(10)).orElseThrow();
    }

    @Test
    void theMatchingRuleSendsTheConversationToItsGroupAndTheWhyIsKept() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String billingAgent = team.agents().get(1).id();
        String group = groupFor(admin, billingAgent, Map.of());
        String rule = rule(admin, group, "/billing", null);
        try (WsClient v = Chat.visitorSocket(base, visitorOn(team.channelKey(), "https://shop.example/billing/invoice").token())) {
            String c = Chat.send(v, null, clientId(), "my invoice").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ? and group_id = ?",
                    c, billingAgent, group)).isOne();
            as(admin).when().get("/api/v1/conversations/" + c + "/routing").then().statusCode(200)
                    .body("find { it.kind == 'routed' }.why.rule", equalTo(rule))
                    .body("find { it.kind == 'routed' }.why.group", equalTo(group))
                    .body("find { it.kind == 'assigned' }.why.chosen", equalTo(billingAgent));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anUnmatchedConversationWaitsForAHumanWhoHearsOfItAndAssignsIt() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String group = groupFor(admin, team.agents().get(0).id(), Map.of());
        rule(admin, group, "/billing", null);
        String supervisorEmail = "sup-" + UUID.randomUUID().toString().substring(0, 8) + "@test.test";
        as(admin).body(Map.of("email", supervisorEmail, "name", "Sue", "password", Fixtures.PASSWORD,
                "roles", List.of("agent", "supervisor"))).when().post("/api/v1/admin/agents").then().statusCode(201);
        try (WsClient supervisor = Chat.agentSocket(base, Chat.login(supervisorEmail));
             WsClient v = Chat.visitorSocket(base, visitorOn(team.channelKey(), "https://shop.example/careers").token())) {
            String c = Chat.send(v, null, clientId(), "hello?").path("conversationId").asText();
            var notice = Chat.received(supervisor, Chat.type("notice", c));
            assertThat(notice.path("code").asText()).isEqualTo("unmatched");
            // An agent with room is online, yet nobody takes it automatically, not even the sweep.
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued' and hold = 'unmatched'", c)).isOne();
            as(admin).when().get("/api/v1/queue").then().body("find { it.conversationId == '" + c + "' }.hold", equalTo("unmatched"));

            as(admin).body(Map.of("agentId", team.agents().get(0).id())).when().post("/api/v1/conversations/" + c + "/assign")
                    .then().statusCode(200).body("assignee.id", equalTo(team.agents().get(0).id()));
            Chat.received(v, Chat.type("assigned", c));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void outOfHoursTheVisitorIsToldAndTheMessageIsServedWhenTheGroupOpens() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agentId = team.agents().get(0).id();
        // An empty schedule: always closed.
        String group = groupFor(admin, agentId, Map.of("alwaysOpen", false, "timeZone", "Europe/Paris"));
        rule(admin, group, "/billing", "Billing answers 9 to 5");
        try (WsClient v = Chat.visitorSocket(base, visitorOn(team.channelKey(), "https://shop.example/billing").token())) {
            String c = Chat.send(v, null, clientId(), "refund please").path("conversationId").asText();
            var notice = Chat.received(v, Chat.type("notice", c));
            assertThat(notice.path("code").asText()).isEqualTo("out_of_hours");
            assertThat(notice.path("text").asText()).isEqualTo("Billing answers 9 to 5");
            assertThat(Fixtures.count("""
                    select count(*) from conversations where id = ? and state = 'queued' and hold = 'offline'
                      and offline_until between now() + interval '6 days 23 hours' and now() + interval '7 days'""", c)).isOne();

            as(admin).body(Map.of("alwaysOpen", true)).when().put("/api/v1/admin/groups/" + group).then().statusCode(200);
            Chat.received(v, Chat.type("assigned", c));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ? and offline_until is null",
                    c, agentId)).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anOfflineMessageNobodyServesExpiresOnce() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String group = groupFor(admin, team.agents().get(0).id(), Map.of("alwaysOpen", false));
        rule(admin, group, "/billing", null);
        try (WsClient v = Chat.visitorSocket(base, visitorOn(team.channelKey(), "https://shop.example/billing").token())) {
            String c = Chat.send(v, null, clientId(), "anyone?").path("conversationId").asText();
            var notice = Chat.received(v, Chat.type("notice", c));
            assertThat(notice.path("text").asText()).isEqualTo(RuleRouting.DEFAULT_OUT_OF_HOURS);
            try (Connection conn = Fixtures.connect(); PreparedStatement ps = conn.prepareStatement(
                    "update conversations set offline_until = now() - interval '1 second' where id = ?")) {
                ps.setObject(1, UUID.fromString(c));
                ps.executeUpdate();
            }
            var closed = Chat.received(v, Chat.type("closed", c));
            assertThat(closed.path("reason").asText()).isEqualTo("timeout");
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    Fixtures.count("select count(*) from conversations where id = ? and state = 'closed'", c) == 1);
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> true);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'expired'", c)).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aSkillWeightedRuleGivesEveryConversationToTheSkilledAgentWhileTheyHaveRoom() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String skilled = skilledAgentWithRule(team);
        List<WsClient> visitors = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
                visitors.add(v);
                String c = Chat.send(v, null, clientId(), "invoice " + i).path("conversationId").asText();
                // Least load would have alternated; the skill decides.
                assertThat(Chat.received(v, Chat.type("assigned", c)).path("agent").path("id").asText()).isEqualTo(skilled);
            }
        } finally {
            visitors.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aNewConversationIsNotServedByItsGroupBeforeItsRuleHasPlacedIt() {
        // The race this closes: a dispatch of the channel's group (another conversation's, or
        // the sweep's) running between a conversation's first message and its routing served
        // it by the group's default strategy, past its rule.
        Fixtures.Team team = Fixtures.team(2, 5);
        String skilled = skilledAgentWithRule(team);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        String conversation = UUID.randomUUID().toString();
        try {
            start(team, visitor, conversation, "invoice");
            // Both agents have room: without the hold the group's least-load dispatch takes it here.
            dispatcher.dispatch(team.tenantId(), team.groupId()).await().atMost(Duration.ofSeconds(10));
            assertThat(Fixtures.count("select count(*) from conversations where id = ?::uuid and state = 'queued' and hold = 'routing'",
                    conversation)).isEqualTo(1);

            routing.routeNew(read(team, conversation))
                    .await().atMost(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ?::uuid and state = 'open' and hold is null and assignee_id = ?::uuid",
                    conversation, skilled) == 1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aConversationLeftHeldForRoutingByAStoppedReplicaIsRoutedByTheSweep() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String rule = catchAllRule(admin, team);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        String conversation = UUID.randomUUID().toString();
        try {
            start(team, visitor, conversation, "hello");
            // Its replica stopped before routing it: nothing serves it while it is young...
            routing.routeStuck().await().atMost(Duration.ofSeconds(10));
            assertThat(Fixtures.count("select count(*) from conversations where id = ?::uuid and hold = 'routing'", conversation)).isEqualTo(1);
            // ...and once it has waited past the limit, the sweep routes it by its rule.
            Fixtures.count("with x as (update conversations set created_at = created_at - interval '1 minute' where id = ?::uuid returning 1) select count(*) from x",
                    conversation);
            routing.routeStuck().await().atMost(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ?::uuid and state = 'open' and hold is null and routing_rule_id = ?::uuid",
                    conversation, rule) == 1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aConversationHeldForRoutingWhenItsTenantsLastRuleGoesIsServedAtOnceNotAtTheSweep() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String rule = catchAllRule(admin, team);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        String conversation = UUID.randomUUID().toString();
        try {
            start(team, visitor, conversation, "hello");
            ConversationRow held = read(team, conversation);
            assertThat(held.hold()).isEqualTo("routing");
            // The rule goes between the conversation's start and its routing.
            as(admin).when().delete("/api/v1/admin/rules/" + rule).then().statusCode(204);
            routing.routeNew(held).await().atMost(Duration.ofSeconds(10));
            // The sweep would let it go only after ROUTING_STUCK_SECONDS.
            await().atMost(Duration.ofSeconds(3)).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ?::uuid and state = 'open' and hold is null", conversation) == 1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aTenantWhoseRulesAreAllDisabledIsServedByTheChannelsGroupLikeATenantWithoutRules() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String rule = rule(admin, team.groupId(), "/billing", null);
        as(admin).body(Map.of("enabled", false)).when().put("/api/v1/admin/rules/" + rule).then().statusCode(200);
        try (WsClient v = Chat.visitorSocket(base, visitorOn(team.channelKey(), "https://shop.example/careers").token())) {
            String c = Chat.send(v, null, clientId(), "hello?").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ?::uuid and kind = 'unmatched'", c))
                    .isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void routingOneConversationTwiceAtOnceRoutesItOnceWithOneEvent() {
        // The sweep on two replicas (or the sweep and a slow starting replica) may route the
        // same held conversation at the same moment; the second must change nothing.
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        catchAllRule(admin, team);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        String conversation = UUID.randomUUID().toString();
        try {
            start(team, visitor, conversation, "hello");
            ConversationRow held = read(team, conversation);
            Uni.join().all(routing.routeNew(held), routing.routeNew(held)).andFailFast()
                    .await().atMost(Duration.ofSeconds(10));
            // A third, late one with the same stale row read while it was held.
            routing.routeNew(held).await().atMost(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ?::uuid and state = 'open'", conversation) == 1);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ?::uuid and kind = 'routed'",
                    conversation)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ?::uuid and kind = 'assigned'",
                    conversation)).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anUnmatchedConversationRoutedTwiceIsAnnouncedToSupervisorsOnce() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        rule(admin, team.groupId(), "/billing", null);
        String supervisorEmail = "sup-" + UUID.randomUUID().toString().substring(0, 8) + "@test.test";
        as(admin).body(Map.of("email", supervisorEmail, "name", "Sue", "password", Fixtures.PASSWORD,
                "roles", List.of("agent", "supervisor"))).when().post("/api/v1/admin/agents").then().statusCode(201);
        Chat.Visitor visitor = visitorOn(team.channelKey(), "https://shop.example/careers");
        String conversation = UUID.randomUUID().toString();
        try (WsClient supervisor = Chat.agentSocket(base, Chat.login(supervisorEmail))) {
            start(team, visitor, conversation, "hello");
            ConversationRow held = read(team, conversation);
            Uni.join().all(routing.routeNew(held), routing.routeNew(held)).andFailFast()
                    .await().atMost(Duration.ofSeconds(10));
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ?::uuid and kind = 'unmatched'",
                    conversation)).isEqualTo(1);
            Chat.received(supervisor, Chat.type("notice", conversation));
            assertThat(supervisor.drain(Duration.ofSeconds(1))).as("no second notice").noneMatch(Chat.type("notice", conversation));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void preferringTheLastAgentSendsAReturningVisitorBackToThem() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        as(admin).body(Map.of("name", "all", "position", 1, "groupIds", List.of(team.groupId()), "strategy", "least-load",
                "preferLastAgent", true)).when().post("/api/v1/admin/rules").then().statusCode(201);
        Chat.Visitor returning = Chat.visitor(team.channelKey());
        try (WsClient a = Chat.visitorSocket(base, returning.token());
             WsClient b = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient c = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String first = Chat.send(a, null, clientId(), "hello").path("conversationId").asText();
            String x = Chat.received(a, Chat.type("assigned", first)).path("agent").path("id").asText();
            String cb = Chat.send(b, null, clientId(), "b").path("conversationId").asText();
            Chat.received(b, Chat.type("assigned", cb));
            String cc = Chat.send(c, null, clientId(), "c").path("conversationId").asText();
            Chat.received(c, Chat.type("assigned", cc));
            // The first agent now carries more than the other: least load alone would not pick them.
            String busiest = Fixtures.count("select count(*) from conversations where assignee_id = ? and state = 'open'", x) == 2 ? x : null;
            assertThat(busiest).isEqualTo(x);
            given().auth().oauth2(Chat.login(team.adminEmail())).when().post("/api/v1/conversations/" + first + "/close").then().statusCode(200);
            Chat.received(a, Chat.type("closed", first));
            // Now one each, and the other agent has waited longer: least load alone would pick them.

            String again = Chat.send(a, null, clientId(), "me again").path("conversationId").asText();
            assertThat(again).isNotEqualTo(first);
            assertThat(Chat.received(a, Chat.type("assigned", again)).path("agent").path("id").asText()).isEqualTo(x);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
