package io.switchboard.conversation;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.security.IdentityHash;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
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
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Who may serve a conversation (A6, B1, B2): the members of every open group of its rule in
 * one pool, the customer's or contact's owner for the owner strategies, and only agents who
 * serve the conversation's channel.
 */
@QuarkusTest
@TestProfile(PooledRoutingTest.WithoutSweep.class)
class PooledRoutingTest {

    /** The 5 s queue sweep would serve any queue eventually: off, so a missed dispatch shows. */
    public static class WithoutSweep implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.queue.sweep-interval", "1h");
        }
    }

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    private static String group(String admin, Map<String, Object> hours) {
        Map<String, Object> body = new HashMap<>(hours);
        body.put("name", "Group " + UUID.randomUUID());
        return as(admin).body(body).when().post("/api/v1/admin/groups").then().statusCode(201).extract().path("id");
    }

    private static void moveTo(String admin, String agentId, String group) {
        as(admin).body(Map.of("groupIds", List.of(group))).when().put("/api/v1/admin/agents/" + agentId).then().statusCode(200);
    }

    private static String catchAll(String admin, List<String> groups, String strategy) {
        return as(admin).body(Map.of("name", "everyone", "position", 1, "groupIds", groups, "strategy", strategy,
                "fallbackStrategy", "least-load", "conditions", List.of()))
                .when().post("/api/v1/admin/rules").then().statusCode(201).extract().path("id");
    }

    private String start(WsClient v) {
        return Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
    }

    private static String assignee(String conversationId) {
        await().atMost(Chat.WAIT).until(() -> Fixtures.count(
                "select count(*) from conversations where id = ? and assignee_id is not null", conversationId) == 1);
        try (var c = Fixtures.connect(); var ps = c.prepareStatement("select assignee_id from conversations where id = ?")) {
            ps.setObject(1, UUID.fromString(conversationId));
            var rs = ps.executeQuery();
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whenTheFirstGroupIsFullTheRulesNextOpenGroupServes() {
        Fixtures.Team team = Fixtures.team(2, 1);
        String admin = Chat.login(team.adminEmail());
        String sales = group(admin, Map.of());
        String support = group(admin, Map.of());
        moveTo(admin, team.agents().get(0).id(), sales);
        moveTo(admin, team.agents().get(1).id(), support);
        catchAll(admin, List.of(sales, support), "least-load");
        try (WsClient first = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient second = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String a = start(first);
            String firstAgent = assignee(a);
            String b = start(second);
            Chat.received(second, Chat.type("assigned", b));
            // Both wait in the sales queue (its first group), and the one pool of the rule's
            // open groups served both: each agent has one, nobody waits.
            assertThat(assignee(b)).isNotEqualTo(firstAgent);
            assertThat(Fixtures.count("select count(*) from conversations where id in (?, ?) and group_id = ? and state = 'open'",
                    a, b, sales)).isEqualTo(2);
            as(admin).when().get("/api/v1/conversations/" + b + "/routing").then().statusCode(200)
                    .body("find { it.kind == 'assigned' }.why.candidates.agentId", hasItem(firstAgent));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void roomForAnAgentServesTheQueuesOfGroupsPooledWithTheirsAtOnce() {
        Fixtures.Team team = Fixtures.team(2, 1);
        String admin = Chat.login(team.adminEmail());
        String sales = group(admin, Map.of());
        String support = group(admin, Map.of());
        moveTo(admin, team.agents().get(0).id(), sales);
        moveTo(admin, team.agents().get(1).id(), support);
        catchAll(admin, List.of(sales, support), "least-load");
        try (WsClient v1 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient v2 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient v3 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String first = start(v1);
            String second = start(v2);
            assertThat(assignee(second)).isNotEqualTo(assignee(first));
            String third = start(v3);
            Chat.received(v3, Chat.queuedAt(third, 1));
            await().atMost(Chat.WAIT).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ? and group_id = ?", third, sales) == 1);

            // Room appears for the support agent: the sales queue is dispatched too.
            as(admin).body(Map.of("maxConcurrent", 2)).when().put("/api/v1/admin/agents/" + team.agents().get(1).id())
                    .then().statusCode(200);
            await().atMost(Chat.WAIT).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ? and assignee_id = ?", third, team.agents().get(1).id()) == 1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anAgentSeesAndPicksUpFromQueuesPooledWithTheirsButNoOthers() {
        Fixtures.Team team = Fixtures.team(3, 1);
        String admin = Chat.login(team.adminEmail());
        String sales = group(admin, Map.of());
        String support = group(admin, Map.of());
        String elsewhere = group(admin, Map.of());
        moveTo(admin, team.agents().get(0).id(), sales);
        moveTo(admin, team.agents().get(1).id(), support);
        moveTo(admin, team.agents().get(2).id(), elsewhere);
        catchAll(admin, List.of(sales, support), "least-load");
        String supportJwt = Chat.login(team.agents().get(1).email());
        String outsiderJwt = Chat.login(team.agents().get(2).email());
        try (WsClient v1 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient v2 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient v3 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            assignee(start(v1));
            assignee(start(v2));
            String waiting = start(v3);
            await().atMost(Chat.WAIT).until(() -> Fixtures.count(
                    "select count(*) from conversations where id = ? and group_id = ? and state = 'queued'", waiting, sales) == 1);
            as(supportJwt).when().get("/api/v1/queue").then().statusCode(200).body("conversationId", hasItem(waiting));
            as(outsiderJwt).when().get("/api/v1/queue").then().statusCode(200).body("conversationId", equalTo(List.of()));
            // A queue the outsider does not serve holds conversations they may not see: 404, as for no such id.
            as(outsiderJwt).when().post("/api/v1/conversations/" + waiting + "/pickup").then().statusCode(404);
            as(supportJwt).when().post("/api/v1/conversations/" + waiting + "/pickup").then().statusCode(200)
                    .body("assignee.id", equalTo(team.agents().get(1).id()));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aClosedGroupOfTheRuleIsNotInThePool() {
        Fixtures.Team team = Fixtures.team(2, 1);
        String admin = Chat.login(team.adminEmail());
        String day = group(admin, Map.of());
        String night = group(admin, Map.of("alwaysOpen", false, "timeZone", "UTC"));
        moveTo(admin, team.agents().get(0).id(), day);
        moveTo(admin, team.agents().get(1).id(), night);
        catchAll(admin, List.of(day, night), "least-load");
        try (WsClient v1 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient v2 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            assignee(start(v1));
            String waiting = start(v2);
            Chat.received(v2, Chat.queuedAt(waiting, 1));
            await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", waiting)).isOne();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anAgentServesOnlyTheirChannels() throws Exception {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        // A second channel of the same group; the first agent serves only that one.
        String otherKey = "web2-" + UUID.randomUUID().toString().substring(0, 8);
        String other = UUID.randomUUID().toString();
        try (var c = Fixtures.connect(); var ps = c.prepareStatement(
                "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'App', ?, 's', ?)")) {
            ps.setObject(1, UUID.fromString(other));
            ps.setObject(2, UUID.fromString(team.tenantId()));
            ps.setString(3, otherKey);
            ps.setObject(4, UUID.fromString(team.groupId()));
            ps.executeUpdate();
        }
        String restricted = team.agents().get(0).id();
        as(admin).body(Map.of("channelIds", List.of(other))).when().put("/api/v1/admin/agents/" + restricted)
                .then().statusCode(200).body("channels.id", equalTo(List.of(other)));
        try {
            for (int i = 0; i < 3; i++) {
                try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
                    assertThat(assignee(start(v))).isEqualTo(team.agents().get(1).id());
                }
            }
            try (WsClient v = Chat.visitorSocket(base, Chat.visitor(otherKey).token())) {
                // Least load: the restricted agent has none, the other three.
                assertThat(assignee(start(v))).isEqualTo(restricted);
            }
            // An empty list gives the agent every channel again.
            as(admin).body(Map.of("channelIds", List.of())).when().put("/api/v1/admin/agents/" + restricted)
                    .then().statusCode(200).body("channels", equalTo(List.of()));
            try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
                assertThat(assignee(start(v))).isEqualTo(restricted);
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    private static Chat.Visitor identified(Fixtures.Team team, String userId, Map<String, Object> attributes) {
        Map<String, Object> body = new HashMap<>(Map.of("userId", userId, "userHash", IdentityHash.sign(userId, team.channelSecret())));
        body.put("attributes", attributes);
        var r = given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors").then().statusCode(200).extract();
        return new Chat.Visitor(r.path("visitorId"), r.path("visitorToken"));
    }

    @Test
    void theCustomerOwnerStrategyGivesEveryContactOfTheAccountToItsOwner() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String owner = team.agents().get(1).id();
        String rule = catchAll(admin, List.of(team.groupId()), "customer-owner");
        as(admin).body(Map.of("name", "ACME", "ownerId", owner)).when().put("/api/v1/admin/accounts/acme")
                .then().statusCode(200).body("ownerId", equalTo(owner));
        as(admin).body(Map.of("accountExternalId", "acme")).when().put("/api/v1/admin/customers/alice").then().statusCode(200)
                .body("account.ownerId", equalTo(owner));
        as(admin).body(Map.of("accountExternalId", "acme")).when().put("/api/v1/admin/customers/bob").then().statusCode(200);
        try {
            for (String user : List.of("alice", "bob")) {
                try (WsClient v = Chat.visitorSocket(base, identified(team, user, Map.of()).token())) {
                    String c = start(v);
                    assertThat(assignee(c)).as(user).isEqualTo(owner);
                    // The transcript says which rule and which strategy decided, and why.
                    as(admin).when().get("/api/v1/conversations/" + c + "/routing").then().statusCode(200)
                            .body("find { it.kind == 'assigned' }.why.rule", equalTo(rule))
                            .body("find { it.kind == 'assigned' }.why.decidedBy", equalTo("customer-owner"))
                            .body("find { it.kind == 'assigned' }.why.reason", org.hamcrest.Matchers.containsString("owner"));
                }
            }
            // Someone outside the account goes by the fallback: the owner now has the most load.
            try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
                assertThat(assignee(start(v))).isEqualTo(team.agents().get(0).id());
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void theContactOwnerStrategyPrefersTheContactsOwnOwner() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String owner = team.agents().get(1).id();
        catchAll(admin, List.of(team.groupId()), "contact-owner");
        as(admin).body(Map.of("ownerId", owner, "tier", "gold")).when().put("/api/v1/admin/customers/carol").then().statusCode(200)
                .body("ownerId", equalTo(owner)).body("tier", equalTo("gold"));
        try {
            for (int i = 0; i < 2; i++) {
                String id;
                try (WsClient v = Chat.visitorSocket(base, identified(team, "carol", Map.of()).token())) {
                    id = start(v);
                    assertThat(assignee(id)).isEqualTo(owner);
                }
                as(Chat.login(team.agents().get(1).email())).when().post("/api/v1/conversations/" + id + "/close").then().statusCode(200);
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aPageCannotClaimATierItsCustomerWasNotGiven() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String admin = Chat.login(team.adminEmail());
        String vipGroup = group(admin, Map.of());
        moveTo(admin, team.agents().get(1).id(), vipGroup);
        as(admin).body(Map.of("name", "vip", "position", 1, "groupIds", List.of(vipGroup),
                "conditions", List.of(Map.of("type", "tier", "values", List.of("vip"))))).when().post("/api/v1/admin/rules").then().statusCode(201);
        catchAllAt(admin, team.groupId());
        try {
            try (WsClient v = Chat.visitorSocket(base, identified(team, "mallory", Map.of("tier", "vip")).token())) {
                String first = start(v);
                assertThat(assignee(first)).isEqualTo(team.agents().get(0).id());
                as(Chat.login(team.agents().get(0).email())).when().post("/api/v1/conversations/" + first + "/close").then().statusCode(200);
            }
            as(admin).body(Map.of("tier", "vip")).when().put("/api/v1/admin/customers/mallory").then().statusCode(200);
            try (WsClient v = Chat.visitorSocket(base, identified(team, "mallory", Map.of()).token())) {
                assertThat(assignee(start(v))).isEqualTo(team.agents().get(1).id());
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    private static void catchAllAt(String admin, String group) {
        as(admin).body(Map.of("name", "rest", "position", 9, "groupIds", List.of(group), "conditions", List.of()))
                .when().post("/api/v1/admin/rules").then().statusCode(201);
    }

    @Test
    void ownersMustBeAgentsOfTheTeamAndNothingIsWrittenOtherwise() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team stranger = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        as(admin).body(Map.of("ownerId", stranger.agents().get(0).id())).when().put("/api/v1/admin/customers/dave")
                .then().statusCode(400).body("errors[0].field", equalTo("ownerId"));
        as(admin).body(Map.of("ownerId", "not-a-uuid")).when().put("/api/v1/admin/accounts/x")
                .then().statusCode(400);
        as(admin).body(Map.of("accountExternalId", "no-such-account")).when().put("/api/v1/admin/customers/dave")
                .then().statusCode(400);
        assertThat(Fixtures.count("select count(*) from customers where tenant_id = ?", team.tenantId())).isZero();
        assertThat(Fixtures.count("select count(*) from customer_accounts where tenant_id = ?", team.tenantId())).isZero();
        // Another tenant's contact is not found; an agent may not write owners.
        as(Chat.login(stranger.adminEmail())).body(Map.of()).when().put("/api/v1/admin/customers/erin").then().statusCode(200);
        as(admin).when().get("/api/v1/admin/customers/erin").then().statusCode(404);
        as(Chat.login(team.agents().get(0).email())).body(Map.of()).when().put("/api/v1/admin/customers/erin").then().statusCode(403);
    }
}
