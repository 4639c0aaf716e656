package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transfers (C6): to an agent at once and beyond their limit, never to an offline agent; to
 * the head of a group's queue; by the assignee, a supervisor or an admin only; with frames to
 * both agents and the visitor, a line in the transcript, and loads that stay exact.
 */
@QuarkusTest
class TransferTest {

    @TestHTTPResource("/")
    URL base;

    private static Response transfer(String jwt, String conversationId, Map<String, Object> body) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/conversations/" + conversationId + "/transfer");
    }

    @Test
    void transferToAnAgentMovesAssigneeAndLoadAtOnceAndTellsBothAgentsAndTheVisitor() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "break");
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient s1 = Chat.agentSocket(base, j1); WsClient s2 = Chat.agentSocket(base, j2);
             WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            s1.await(type("assigned", c), WAIT);

            JsonNode body = transfer(j1, c, Map.of("agentId", a2.id(), "note", "VIP customer, refund promised"))
                    .then().statusCode(200).extract().as(JsonNode.class);
            assertThat(body.path("assignee").path("id").asText()).isEqualTo(a2.id());
            assertThat(body.path("transfers").asInt()).isEqualTo(1);

            JsonNode received = s2.await(type("assigned", c), WAIT);
            assertThat(received.path("transfer").path("from").path("id").asText()).isEqualTo(a1.id());
            assertThat(received.path("transfer").path("note").asText()).isEqualTo("VIP customer, refund promised");
            JsonNode gone = s1.await(type("unassigned", c), WAIT);
            assertThat(gone.path("reason").asText()).isEqualTo("transferred");
            assertThat(gone.path("to").path("kind").asText()).isEqualTo("agent");
            assertThat(gone.path("to").path("id").asText()).isEqualTo(a2.id());

            JsonNode toVisitor = Chat.received(v, f -> "assigned".equals(f.path("type").asText())
                    && a2.id().equals(f.path("agent").path("id").asText()));
            assertThat(toVisitor.path("agent").path("name").asText()).isEqualTo(a2.name());
            JsonNode line = Chat.received(v, f -> "message".equals(f.path("type").asText())
                    && "system".equals(f.path("sender").path("kind").asText()));
            assertThat(line.path("text").asText()).contains("Transferred to " + a2.name());
            // The note is for staff: the visitor's socket and history never carry it.
            Chat.send(v, c, clientId(), "barrier");
            assertThat(v.seen().toString()).doesNotContain("refund promised");
            String history = given().auth().oauth2(visitor.token()).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).extract().asString();
            assertThat(history).contains("Transferred to").doesNotContain("refund promised");
            assertThat(given().auth().oauth2(j2).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).extract().asString()).contains("refund promised");

            assertThat(Teamwork.load(j1)).isZero();
            assertThat(Teamwork.load(j2)).isEqualTo(1);
            assertThat(Teamwork.openLoadInPostgres(a2.id())).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'transferred'", c))
                    .isEqualTo(1);
            // The routing explanation tells the transfer.
            List<String> kinds = given().auth().oauth2(j2).when().get("/api/v1/conversations/" + c + "/routing")
                    .then().statusCode(200).extract().path("kind");
            assertThat(kinds).contains("transferred");
            // The new assignee writes to the visitor.
            Chat.send(s2, c, clientId(), "I'll take it from here");
            Chat.received(v, f -> "message".equals(f.path("type").asText()) && f.path("text").asText().startsWith("I'll take"));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aTransfersLinesCarryTheirEventSoClientsNeedNotReadTheirWords() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "break");
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient s1 = Chat.agentSocket(base, j1); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            s1.await(type("assigned", c), WAIT);
            transfer(j1, c, Map.of("agentId", a2.id(), "note", "call back")).then().statusCode(200);

            JsonNode line = s1.await(f -> "message".equals(f.path("type").asText()) && !f.path("internal").asBoolean()
                    && "system".equals(f.path("sender").path("kind").asText()), WAIT);
            assertThat(line.path("event").asText()).isEqualTo("transferred");
            JsonNode note = s1.await(f -> "message".equals(f.path("type").asText()) && f.path("internal").asBoolean(), WAIT);
            assertThat(note.path("event").asText()).isEqualTo("transfer_note");
            JsonNode toVisitor = Chat.received(v, f -> "message".equals(f.path("type").asText())
                    && "system".equals(f.path("sender").path("kind").asText()));
            assertThat(toVisitor.path("event").asText()).isEqualTo("transferred");

            List<Map<String, Object>> staffView = given().auth().oauth2(j2).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).extract().path("$");
            assertThat(staffView).extracting(m -> m.get("event")).containsExactly(null, "transferred", "transfer_note");
            // Other messages leave the field out, as before.
            assertThat(staffView.get(0)).doesNotContainKey("event");
            List<Map<String, Object>> visitorView = given().auth().oauth2(visitor.token()).when()
                    .get("/api/v1/conversations/" + c + "/messages").then().statusCode(200).extract().path("$");
            assertThat(visitorView).extracting(m -> m.get("event")).containsExactly(null, "transferred");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aTransferToAnAgentIsNotBoundByTheirLimitButCountsAsLoad() {
        Fixtures.Team team = Fixtures.team(2, 1);
        Map<String, String> jwt = new HashMap<>();
        team.agents().forEach(a -> jwt.put(a.id(), Chat.login(a.email())));
        try (WsClient v1 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient v2 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c1 = Chat.send(v1, null, clientId(), "one").path("conversationId").asText();
            Chat.received(v1, type("assigned", c1));
            String c2 = Chat.send(v2, null, clientId(), "two").path("conversationId").asText();
            Chat.received(v2, type("assigned", c2));
            String holder = Teamwork.assignee(jwt.get(team.agents().get(0).id()), c1);
            String other = team.agents().stream().map(Fixtures.Agent::id).filter(id -> !id.equals(holder)).findFirst().orElseThrow();

            transfer(jwt.get(holder), c1, Map.of("agentId", other)).then().statusCode(200);

            assertThat(Teamwork.load(jwt.get(other))).isEqualTo(2);
            assertThat(Teamwork.load(jwt.get(holder))).isZero();
            assertThat(Teamwork.openLoadInPostgres(other)).isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anOfflineAgentCannotReceiveATransferAndNothingChanges() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "offline");
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));

            transfer(j1, c, Map.of("agentId", a2.id())).then().statusCode(409);

            assertThat(Teamwork.assignee(j1, c)).isEqualTo(a1.id());
            assertThat(Teamwork.load(j1)).isEqualTo(1);
            assertThat(Teamwork.load(j2)).isZero();
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'transferred'", c))
                    .isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void targetsAreOnlineOrBreakAgentsOtherThanTheAssigneeLeastSaturatedFirst() {
        Fixtures.Team team = Fixtures.team(4, 5);
        var agents = team.agents();
        Map<String, String> jwt = new HashMap<>();
        agents.forEach(a -> jwt.put(a.id(), Chat.login(a.email())));
        Teamwork.status(jwt.get(agents.get(2).id()), "break");
        Teamwork.status(jwt.get(agents.get(3).id()), "offline");
        try (WsClient v1 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient v2 = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c1 = Chat.send(v1, null, clientId(), "one").path("conversationId").asText();
            Chat.received(v1, type("assigned", c1));
            String c2 = Chat.send(v2, null, clientId(), "two").path("conversationId").asText();
            Chat.received(v2, type("assigned", c2));
            // Agents 1 and 2 hold one conversation each (least load); agent 3 is on a break, agent 4 offline.
            String holder = Teamwork.assignee(jwt.get(agents.get(0).id()), c1);
            String busy = holder.equals(agents.get(0).id()) ? agents.get(1).id() : agents.get(0).id();

            JsonNode targets = given().auth().oauth2(jwt.get(holder)).when().get("/api/v1/conversations/" + c1 + "/transfer-targets")
                    .then().statusCode(200).extract().as(JsonNode.class);
            List<String> ids = targets.path("agents").findValuesAsText("id");
            assertThat(ids).containsExactly(agents.get(2).id(), busy);
            assertThat(targets.path("agents").get(0).path("status").asText()).isEqualTo("break");
            assertThat(targets.path("agents").get(1).path("saturation").asDouble()).isEqualTo(0.2);
            JsonNode group = targets.path("groups").get(0);
            assertThat(group.path("id").asText()).isEqualTo(team.groupId());
            assertThat(group.path("online").asInt()).isEqualTo(2);
            assertThat(group.path("open").asBoolean()).isTrue();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void onlyTheAssigneeASupervisorOrAnAdminTransfersAndAnotherTenantsIdsAnswerNotFound() {
        Fixtures.Team team = Fixtures.team(3, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        var a3 = team.agents().get(2);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "break");
        Teamwork.status(Chat.login(a3.email()), "break");
        Fixtures.Team stranger = Fixtures.team(1, 5);
        String strangerAdmin = Chat.login(stranger.adminEmail());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));
            assertThat(Teamwork.assignee(j1, c)).isEqualTo(a1.id());

            // Agent 2 serves the group and sees the conversation, but it is not theirs to hand on.
            transfer(j2, c, Map.of("agentId", a3.id())).then().statusCode(403);
            given().auth().oauth2(j2).when().get("/api/v1/conversations/" + c + "/transfer-targets").then().statusCode(403);
            // Another tenant's admin, and another tenant's agent or group as the target.
            transfer(strangerAdmin, c, Map.of("agentId", a3.id())).then().statusCode(404);
            given().auth().oauth2(strangerAdmin).when().get("/api/v1/conversations/" + c + "/transfer-targets").then().statusCode(404);
            transfer(j1, c, Map.of("agentId", stranger.agents().get(0).id())).then().statusCode(404);
            transfer(j1, c, Map.of("groupId", stranger.groupId())).then().statusCode(404);
            // Exactly one target.
            transfer(j1, c, Map.of("agentId", a3.id(), "groupId", team.groupId())).then().statusCode(400);
            transfer(j1, c, Map.of()).then().statusCode(400);
            assertThat(Teamwork.assignee(j1, c)).isEqualTo(a1.id());

            // A supervisor (the team's admin is one) may transfer a conversation that is not theirs.
            transfer(Chat.login(team.adminEmail()), c, Map.of("agentId", a3.id())).then().statusCode(200);
            assertThat(Teamwork.assignee(j1, c)).isEqualTo(a3.id());
        } finally {
            Chat.retire(team.tenantId());
            Chat.retire(stranger.tenantId());
        }
    }

    @Test
    void aTransferToAGroupWaitsAtTheHeadOfThatGroupsQueueAndIsServedFirst() {
        Fixtures.Team team = Fixtures.team(2, 1);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        // A second group served by agent 2 alone, with its own channel; agent 2 is away, so its queue waits.
        String billing = UUID.randomUUID().toString();
        String channel = UUID.randomUUID().toString();
        String key = "web-" + channel.substring(0, 8);
        Teamwork.sql("insert into agent_groups (id, tenant_id, name) values (?, ?, 'Billing')", billing, team.tenantId());
        Teamwork.sql("delete from group_members where agent_id = ?", a2.id());
        Teamwork.sql("insert into group_members (group_id, agent_id, tenant_id) values (?, ?, ?)", billing, a2.id(), team.tenantId());
        Teamwork.sql("insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'Billing', ?, 's', ?)",
                channel, team.tenantId(), key, billing);
        Teamwork.status(j2, "offline");
        try (WsClient waiting = Chat.visitorSocket(base, Chat.visitor(key).token());
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String early = Chat.send(waiting, null, clientId(), "billing question").path("conversationId").asText();
            Chat.received(waiting, type("queued", early));
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));

            JsonNode body = transfer(j1, c, Map.of("groupId", billing, "note", "needs a refund"))
                    .then().statusCode(200).extract().as(JsonNode.class);
            assertThat(body.path("state").asText()).isEqualTo("queued");
            assertThat(body.path("groupId").asText()).isEqualTo(billing);
            assertThat(Teamwork.load(j1)).isZero();
            Chat.received(v, Chat.queuedAt(c, 1));
            Chat.received(waiting, Chat.queuedAt(early, 2));

            // Agent 2 comes back with room for one: the transferred conversation is served first.
            try (WsClient s2 = Chat.agentSocket(base, j2)) {
                Teamwork.status(j2, "online");
                s2.await(type("assigned", c), WAIT);
            }
            assertThat(Teamwork.assignee(j2, c)).isEqualTo(a2.id());
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'queued'", early)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and queue_front is not null", c)).isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void whoeverTheDispatcherGivesAConversationTransferredToAGroupGetsTheTransferWithItsNote() {
        Fixtures.Team team = Fixtures.team(2, 5);
        var a1 = team.agents().get(0);
        var a2 = team.agents().get(1);
        String j1 = Chat.login(a1.email());
        String j2 = Chat.login(a2.email());
        Teamwork.status(j2, "offline");
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));
            int seen = v.seen().size();
            // Back to the group's queue: the dispatcher never gives it back to agent 1, and agent 2 is away.
            transfer(j1, c, Map.of("groupId", team.groupId(), "note", "wants the March invoice")).then().statusCode(200);

            try (WsClient s2 = Chat.agentSocket(base, j2)) {
                Teamwork.status(j2, "online");
                JsonNode assigned = s2.await(type("assigned", c), WAIT);
                assertThat(assigned.path("agent").path("id").asText()).isEqualTo(a2.id());
                assertThat(assigned.path("transfer").path("from").path("id").asText()).isEqualTo(a1.id());
                assertThat(assigned.path("transfer").path("from").path("name").asText()).isEqualTo(a1.name());
                assertThat(assigned.path("transfer").path("note").asText()).isEqualTo("wants the March invoice");
            }
            // The visitor learns who serves them, never the note.
            JsonNode toVisitor = Chat.receivedSince(v, seen, type("assigned", c));
            assertThat(toVisitor.has("transfer")).isFalse();
            v.drain(java.time.Duration.ofMillis(300));
            assertThat(v.seen().toString()).doesNotContain("March invoice");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void twoTransfersOfOneConversationAtOnceEndWithOneAssigneeAndExactLoads() throws Exception {
        for (int round = 0; round < 5; round++) {
            Fixtures.Team team = Fixtures.team(3, 5);
            var a1 = team.agents().get(0);
            var a2 = team.agents().get(1);
            var a3 = team.agents().get(2);
            Map<String, String> jwt = new HashMap<>();
            team.agents().forEach(a -> jwt.put(a.id(), Chat.login(a.email())));
            Teamwork.status(jwt.get(a2.id()), "break");
            Teamwork.status(jwt.get(a3.id()), "break");
            String admin = Chat.login(team.adminEmail());
            try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
                String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
                Chat.received(v, type("assigned", c));

                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Integer> byAssignee = CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return transfer(jwt.get(a1.id()), c, Map.of("agentId", a2.id())).statusCode();
                });
                CompletableFuture<Integer> bySupervisor = CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return transfer(admin, c, Map.of("agentId", a3.id())).statusCode();
                });
                go.countDown();
                List<Integer> codes = List.of(byAssignee.get(), bySupervisor.get());
                // The requests race: when both got past their checks before either committed, one wins and the
                // other gets 409. A request checked after the other committed sees the new state: the former
                // assignee gets 403 (no longer theirs), the supervisor transfers again, from the new assignee.
                // Whatever the interleaving: one assignee, one event per success, exact loads.
                assertThat(codes).contains(200);
                assertThat(codes.get(0)).isIn(200, 403, 409);
                assertThat(codes.get(1)).isIn(200, 409);
                long successes = codes.stream().filter(x -> x == 200).count();
                assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'transferred'", c))
                        .isEqualTo(successes);
                String assignee = Teamwork.assignee(admin, c);
                assertThat(assignee).isIn(codes.get(0) == 200 ? a2.id() : a3.id(), codes.get(1) == 200 ? a3.id() : a2.id());
                long open = 0;
                for (var a : team.agents()) {
                    assertThat(Teamwork.load(jwt.get(a.id()))).as("live load of %s", a.name())
                            .isEqualTo((int) Teamwork.openLoadInPostgres(a.id()));
                    open += Teamwork.openLoadInPostgres(a.id());
                }
                assertThat(open).isEqualTo(1);
                assertThat(Teamwork.load(jwt.get(assignee))).isEqualTo(1);
            } finally {
                Chat.retire(team.tenantId());
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
