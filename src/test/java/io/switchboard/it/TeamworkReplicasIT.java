package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static io.switchboard.it.Api.field;
import static io.switchboard.it.Api.frame;
import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static io.switchboard.it.Api.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teamwork across two packaged replicas sharing PostgreSQL and Redis (C6, C7): a transfer
 * between agents on different replicas reaches everyone and leaves exact loads; two transfers
 * of one conversation at once, through different replicas, end with one assignee; an expert's
 * internal note written on one replica never reaches the visitor on the other, live, by REST or
 * by resume. Same set-up as {@link TwoReplicasIT}; logs in {@code target/it-teamwork-N.log}.
 */
class TeamworkReplicasIT {

    private static Replica a;
    private static Replica b;
    private static PackagedApp app;

    @BeforeAll
    static void startReplicas() {
        app = PackagedApp.prepare();
        a = new Replica("A", app, "it-teamwork-1.log");
        b = new Replica("B", app, "it-teamwork-2.log");
        Replicas.launch(a, b);
    }

    @AfterAll
    static void stopReplicas() {
        Replicas.stop(app, a, b);
    }

    // ------------------------------------------------------------------ helpers

    /** A visitor token of the team's widget, created through replica {@code r}. */
    private static String visitorToken(Replica r, Fixtures.Team team) {
        return http("POST", r, "/api/v1/widget/" + team.channelKey() + "/visitors", null, Map.of("name", "Vera"), 200)
                .path("visitorToken").asText();
    }

    /** A socket of that visitor on replica {@code r}, once the replica hears about them (see {@link Api#visitorSocket}). */
    private static Inbox visitorOn(Replica r, String token) {
        Inbox inbox = new Inbox("visitor on " + r.name, WsClient.open(r.base(), "/ws/visitor", token));
        inbox.send(Map.of("type", "sync"));
        inbox.expect("error for the sync frame", type("error").and(field("code", "unknown_type")));
        return inbox;
    }

    private static Inbox consoleOn(Replica r, String jwt, String who) {
        Inbox console = new Inbox(who + " on " + r.name, WsClient.open(r.base(), "/ws/agent", jwt));
        console.expect("initial status", type("status"));
        return console;
    }

    private static void status(Replica r, String jwt, String status) {
        http("PUT", r, "/api/v1/agents/me/status", jwt, Map.of("status", status), 200);
    }

    private static long openInPostgres(String agentId) {
        return Fixtures.count("select count(*) from conversations where assignee_id = ? and state = 'open'", agentId);
    }

    /** Every agent's live load, read through both replicas, equals PostgreSQL's count of their open conversations. */
    private static void loadsExact(Fixtures.Team team, Map<String, String> jwt) {
        for (Fixtures.Agent agent : team.agents()) {
            long truth = openInPostgres(agent.id());
            for (Replica r : new Replica[] {a, b}) {
                assertThat(http("GET", r, "/api/v1/me", jwt.get(agent.id()), null, 200).path("load").asLong())
                        .as("load of %s through %s", agent.name(), r.name).isEqualTo(truth);
            }
        }
    }

    private static Map<String, String> logins(Fixtures.Team team) {
        Map<String, String> jwt = new HashMap<>();
        team.agents().forEach(x -> jwt.put(x.id(), login(a, x.email())));
        return jwt;
    }

    private static String start(Inbox widget, String clientId, String text) {
        widget.send(Map.of("type", "message", "clientId", clientId, "text", text));
        return widget.expect("ack of " + clientId, type("ack").and(field("clientId", clientId))).path("conversationId").asText();
    }

    // ------------------------------------------------------------------ tests

    @Test
    void anAgentOnOneReplicaTransfersToAnAgentOnTheOtherAndEveryoneSeesItWithExactLoads() {
        Fixtures.Team team = Fixtures.team(2, 5);
        Fixtures.Agent alice = team.agents().get(0);
        Fixtures.Agent bob = team.agents().get(1);
        Map<String, String> jwt = logins(team);
        status(b, jwt.get(bob.id()), "break");
        String visitor = visitorToken(a, team);
        try (Inbox aliceOnA = consoleOn(a, jwt.get(alice.id()), "Alice");
             Inbox bobOnB = consoleOn(b, jwt.get(bob.id()), "Bob");
             Inbox widgetOnA = visitorOn(a, visitor);
             Inbox widgetOnB = visitorOn(b, visitor)) {
            String c = start(widgetOnA, "v-1", "I need help with my order");
            aliceOnA.expect("assigned to Alice", frame("assigned", c));

            JsonNode moved = http("POST", a, "/api/v1/conversations/" + c + "/transfer", jwt.get(alice.id()),
                    Map.of("agentId", bob.id(), "note", "order 1234, refund agreed"), 200);
            assertThat(moved.path("assignee").path("id").asText()).isEqualTo(bob.id());

            JsonNode received = bobOnB.expect("assigned by transfer", frame("assigned", c));
            assertThat(received.path("transfer").path("from").path("id").asText()).isEqualTo(alice.id());
            assertThat(received.path("transfer").path("note").asText()).isEqualTo("order 1234, refund agreed");
            bobOnB.expect("the history", frame("message", c).and(f -> f.path("seq").asLong() == 1));
            assertThat(aliceOnA.expect("unassigned", frame("unassigned", c)).path("to").path("id").asText()).isEqualTo(bob.id());
            for (Inbox widget : List.of(widgetOnA, widgetOnB)) {
                widget.expect("assigned to Bob", frame("assigned", c).and(f -> bob.id().equals(f.path("agent").path("id").asText())));
                widget.expect("the transfer line", frame("message", c).and(f -> f.path("text").asText().startsWith("Transferred to")));
            }

            loadsExact(team, jwt);
            assertThat(openInPostgres(bob.id())).isEqualTo(1);
            assertThat(openInPostgres(alice.id())).isZero();

            // Bob on B answers; the visitor hears him on both replicas.
            bobOnB.send(Map.of("type", "message", "conversationId", c, "clientId", "b-1", "text", "Bob here, refund on its way"));
            long seq = bobOnB.expect("ack of b-1", frame("ack", c).and(field("clientId", "b-1"))).path("seq").asLong();
            widgetOnA.expect("Bob's reply on A", frame("message", c).and(f -> f.path("seq").asLong() == seq));
            widgetOnB.expect("Bob's reply on B", frame("message", c).and(f -> f.path("seq").asLong() == seq));
            for (Inbox widget : List.of(widgetOnA, widgetOnB)) {
                assertThat(widget.socket().seen().toString()).doesNotContain("refund agreed");
            }
        }
    }

    @Test
    void anAssigneeAndASupervisorTransferringAtOnceThroughTwoReplicasLeaveOneAssigneeAndExactLoads() throws Exception {
        for (int round = 0; round < 4; round++) {
            Fixtures.Team team = Fixtures.team(3, 5);
            Fixtures.Agent holder = team.agents().get(0);
            Fixtures.Agent second = team.agents().get(1);
            Fixtures.Agent third = team.agents().get(2);
            Map<String, String> jwt = logins(team);
            status(a, jwt.get(second.id()), "break");
            status(b, jwt.get(third.id()), "break");
            String supervisor = login(b, team.adminEmail());
            try (Inbox widget = visitorOn(a, visitorToken(a, team))) {
                String c = start(widget, "v-1", "hello");
                widget.expect("assigned", frame("assigned", c));
                assertThat(openInPostgres(holder.id())).isEqualTo(1);

                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<HttpResponse<String>> byAssignee = CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return Api.call("POST", a, "/api/v1/conversations/" + c + "/transfer", jwt.get(holder.id()),
                            Map.of("agentId", second.id()));
                });
                CompletableFuture<HttpResponse<String>> bySupervisor = CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return Api.call("POST", b, "/api/v1/conversations/" + c + "/transfer", supervisor, Map.of("agentId", third.id()));
                });
                go.countDown();
                int first = byAssignee.get().statusCode();
                int other = bySupervisor.get().statusCode();
                // Both past their checks before either committed: one wins, the other gets 409. A request
                // checked after the other committed sees the new state: the former assignee gets 403, the
                // supervisor transfers again from the new assignee. Always: one assignee, exact loads.
                assertThat(List.of(first, other)).as("round %d", round).contains(200);
                assertThat(first).isIn(200, 403, 409);
                assertThat(other).isIn(200, 409);
                long successes = (first == 200 ? 1 : 0) + (other == 200 ? 1 : 0);
                assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'transferred'", c))
                        .isEqualTo(successes);
                long assigned = 0;
                for (Fixtures.Agent agent : team.agents()) {
                    assigned += openInPostgres(agent.id());
                }
                assertThat(assigned).isEqualTo(1);
                String winner = other == 200 ? third.id() : second.id();
                assertThat(Fixtures.count("select count(*) from conversations where id = ? and assignee_id = ?", c, winner)).isEqualTo(1);
                loadsExact(team, jwt);
            }
        }
    }

    @Test
    void anExpertsInternalNoteOnOneReplicaNeverReachesTheVisitorOnTheOther() {
        Fixtures.Team team = Fixtures.team(2, 5);
        Fixtures.Agent alice = team.agents().get(0);
        Fixtures.Agent expert = team.agents().get(1);
        Map<String, String> jwt = logins(team);
        status(b, jwt.get(expert.id()), "break");
        String visitor = visitorToken(a, team);
        try (Inbox aliceOnA = consoleOn(a, jwt.get(alice.id()), "Alice");
             Inbox expertOnB = consoleOn(b, jwt.get(expert.id()), "Expert");
             Inbox widgetOnA = visitorOn(a, visitor)) {
            String c = start(widgetOnA, "v-1", "is my data safe?");
            aliceOnA.expect("assigned", frame("assigned", c));
            http("POST", a, "/api/v1/conversations/" + c + "/participants", jwt.get(alice.id()), Map.of("agentId", expert.id()), 200);
            expertOnB.expect("invited", frame("invited", c));

            expertOnB.send(Map.of("type", "message", "conversationId", c, "clientId", "n-1", "text", "internal: ticket SEC-42 open",
                    "internal", true));
            long noteSeq = expertOnB.expect("ack of the note", frame("ack", c).and(field("clientId", "n-1"))).path("seq").asLong();
            JsonNode atAlice = aliceOnA.expect("the note", frame("message", c).and(f -> f.path("seq").asLong() == noteSeq));
            assertThat(atAlice.path("internal").asBoolean()).isTrue();

            // A visible message after the note: once the visitor has it, the note would have arrived before it.
            expertOnB.send(Map.of("type", "message", "conversationId", c, "clientId", "e-1", "text", "Your data is safe."));
            long visibleSeq = expertOnB.expect("ack of e-1", frame("ack", c).and(field("clientId", "e-1"))).path("seq").asLong();
            widgetOnA.expect("the expert's visible reply", frame("message", c).and(f -> f.path("seq").asLong() == visibleSeq));
            assertThat(widgetOnA.socket().seen().toString()).doesNotContain("SEC-42");

            for (Replica r : new Replica[] {a, b}) {
                JsonNode history = http("GET", r, "/api/v1/conversations/" + c + "/messages", visitor, null, 200);
                assertThat(history.toString()).as("visitor history through %s", r.name).contains("Your data is safe").doesNotContain("SEC-42");
            }
            try (Inbox resumed = visitorOn(a, visitor)) {
                resumed.send(Map.of("type", "resume", "conversationId", c, "lastSeq", 0));
                resumed.expect("the visible reply on resume", frame("message", c).and(f -> f.path("seq").asLong() == visibleSeq));
                assertThat(resumed.socket().seen().toString()).doesNotContain("SEC-42");
            }
            // Staff read it, through either replica.
            assertThat(http("GET", b, "/api/v1/conversations/" + c + "/messages", jwt.get(alice.id()), null, 200).toString())
                    .contains("SEC-42");
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
