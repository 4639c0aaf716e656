package io.switchboard.event;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.report.ConversationRollup;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox hands each consumer the log from its own cursor, in order, once per move of the
 * cursor; another replica's live lease keeps a consumer away until it runs out; the report
 * roll-up applies an event once however often it is handed.
 */
@QuarkusTest
class OutboxTest {

    @Inject
    Outbox outbox;
    @Inject
    EventLog log;
    @Inject
    Pool pool;
    @Inject
    ConversationRollup rollup;
    @TestHTTPResource("/")
    URL url;

    /** A consumer that remembers what it was handed. */
    static final class Recorder implements Outbox.Consumer {
        final String name = "test-" + UUID.randomUUID();
        final List<Outbox.Stored> seen = new ArrayList<>();

        public String name() {
            return name;
        }

        public Uni<Void> deliver(List<Outbox.Stored> events) {
            seen.addAll(events);
            return Uni.createFrom().voidItem();
        }

        List<Long> ids(String tenantId) {
            return seen.stream().filter(e -> e.tenantId().equals(tenantId)).map(Outbox.Stored::id).toList();
        }
    }

    @Test
    void aConsumerIsHandedEachCommittedEventOnceInLogOrderFromItsOwnCursor() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agent = team.agents().get(0).id();
        Recorder consumer = new Recorder();
        startAtTheEnd(consumer.name());

        List<Long> appended = append(team.tenantId(), agent, "break", "online", "offline");
        drain(consumer);
        assertThat(consumer.ids(team.tenantId())).isEqualTo(appended);
        assertThat(consumer.seen.get(0).kind()).isEqualTo("agent_status_changed");
        assertThat(consumer.seen.get(0).data().getString("status")).isEqualTo("break");

        // Nothing new: nothing handed again. New events: only they.
        drain(consumer);
        assertThat(consumer.ids(team.tenantId())).isEqualTo(appended);
        List<Long> more = append(team.tenantId(), agent, "online");
        drain(consumer);
        List<Long> all = new ArrayList<>(appended);
        all.addAll(more);
        assertThat(consumer.ids(team.tenantId())).isEqualTo(all);
    }

    @Test
    void anotherReplicasLiveLeaseKeepsTheConsumerAwayUntilItRunsOut() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Recorder consumer = new Recorder();
        startAtTheEnd(consumer.name());
        pool.preparedQuery("update outbox_cursors set lease_owner = 'elsewhere/1', lease_until = now() + interval '1 hour' where consumer = $1")
                .execute(Tuple.of(consumer.name())).await().indefinitely();
        List<Long> appended = append(team.tenantId(), team.agents().get(0).id(), "break");

        drain(consumer);
        assertThat(consumer.seen).isEmpty();

        // The other replica died: its lease runs out and this one carries on from the cursor.
        pool.preparedQuery("update outbox_cursors set lease_until = now() - interval '1 second' where consumer = $1")
                .execute(Tuple.of(consumer.name())).await().indefinitely();
        drain(consumer);
        assertThat(consumer.ids(team.tenantId())).isEqualTo(appended);
    }

    @Test
    void theRollupKeepsAClosedConversationsFactsAndAppliesAnEventHandedAgainOnlyOnce() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        String conversation;
        try (WsClient ws = Chat.visitorSocket(url, visitor.token())) {
            conversation = Chat.send(ws, null, Chat.clientId(), "hello").path("conversationId").asText();
        }
        // Assigned (the one agent is online), then closed by a supervisor.
        await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                "select count(*) from conversations where id = ? and state = 'open'", conversation) == 1);
        given().auth().oauth2(Chat.login(team.adminEmail())).contentType("application/json").body(Map.of())
                .when().post("/api/v1/conversations/" + conversation + "/close").then().statusCode(200);

        // The scheduled round of this replica (it holds the roll-up's lease, or takes it over) applies them.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Fixtures.count(
                "select count(*) from report_conversation_facts where conversation_id = ? and close_reason = 'supervisor' and assignments = 1",
                conversation)).isEqualTo(1));

        // Handed again, as after a replica died before moving the cursor: nothing changes.
        List<Outbox.Stored> events = pool.preparedQuery("""
                        select id, tx::text as tx, tenant_id, conversation_id, kind, actor_kind, actor_id, data, created_at
                        from conversation_events where conversation_id = $1 order by id""")
                .execute(Tuple.of(UUID.fromString(conversation))).map(Outbox::stored).await().indefinitely();
        rollup.deliver(events).await().indefinitely();
        rollup.deliver(events).await().indefinitely();
        assertThat(Fixtures.count("select count(*) from report_conversation_facts where conversation_id = ? and assignments = 1",
                conversation)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private void startAtTheEnd(String consumer) {
        pool.preparedQuery("""
                        insert into outbox_cursors (consumer, tx, id)
                        select $1, coalesce(max(tx), '0'), coalesce(max(id), 0) from conversation_events""")
                .execute(Tuple.of(consumer)).await().indefinitely();
    }

    private List<Long> append(String tenantId, String agentId, String... statuses) {
        List<Long> ids = new ArrayList<>();
        for (String s : statuses) {
            ids.add(pool.withTransaction(conn -> log.append(conn, new DomainEvent.AgentStatusChanged(tenantId, agentId, s)))
                    .await().indefinitely());
        }
        return ids;
    }

    /** Runs the consumer until it is handed nothing more that is below every running transaction. */
    private void drain(Recorder consumer) {
        await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).until(() -> outbox.run(consumer, 0).await().indefinitely() == 0);
    }
}
