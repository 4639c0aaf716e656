package io.switchboard.timer;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.conversation.ConversationService;
import io.switchboard.conversation.MessageStore;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An auto-close (B6) decides and acts in one transaction: it re-reads the visitor's silence
 * under the conversation's row lock, and the "Closed after N minutes" line commits together
 * with the close. The firing is driven directly here, with a deadline that is stale or due,
 * so each interleaving is exact.
 */
@QuarkusTest
class AutoCloseDecidesOnceTest {

    private static final Duration SILENCE = Duration.ofSeconds(2);

    @TestHTTPResource("/")
    URL base;

    @Inject
    ConversationService conversations;

    @Inject
    MessageStore messages;

    @Inject
    RedisDataSource redis;

    /** A conversation whose visitor and assignment lie an hour back: any auto-close deadline is due. */
    private static void silentForAnHour(String conversationId) throws SQLException {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement("""
                update conversations set last_visitor_message_at = now() - interval '1 hour',
                                         assigned_at = now() - interval '1 hour' where id = ?""")) {
            ps.setObject(1, UUID.fromString(conversationId));
            ps.executeUpdate();
        }
    }

    private static long systemLines(String conversationId) {
        return Fixtures.count("select count(*) from messages where conversation_id = ? and sender_kind = 'system'", conversationId);
    }

    private static long open(String conversationId) {
        return Fixtures.count("select count(*) from conversations where id = ? and state = 'open'", conversationId);
    }

    @Test
    void aVisitorWhoWroteAfterTheDeadlineWasReadKeepsTheConversation() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            silentForAnHour(c);
            // The deadline was read when the visitor had been silent long enough; then they wrote.
            Chat.send(v, c, clientId(), "still here");

            Optional<Instant> again = conversations.closeSilent(team.tenantId(), c, SILENCE, 2).await().atMost(Duration.ofSeconds(10));

            assertThat(open(c)).isOne();
            assertThat(systemLines(c)).isZero();
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'auto_closed'", c)).isZero();
            // The deadline moves to the silence after the new message.
            assertThat(again).isPresent();
            assertThat(again.get()).isAfter(Instant.now().plus(SILENCE).minusSeconds(2));
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aCloseThatFailsLeavesNoLineInTheTranscript() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String trigger = "refuse_close_" + team.tenantId().replace("-", "");
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            silentForAnHour(c);
            TimersRebuiltFromPostgresTest.refuseClose(trigger, c);

            assertThatThrownBy(() -> conversations.closeSilent(team.tenantId(), c, SILENCE, 2).await().atMost(Duration.ofSeconds(10)))
                    .hasMessageContaining("closing refused");
            assertThat(open(c)).isOne();
            assertThat(systemLines(c)).as("a line saying it closed, without the close").isZero();
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind = 'auto_closed'", c)).isZero();

            TimersRebuiltFromPostgresTest.allowClose(trigger);
            assertThat(conversations.closeSilent(team.tenantId(), c, SILENCE, 2).await().atMost(Duration.ofSeconds(10))).isEmpty();
            assertThat(open(c)).isZero();
            assertThat(systemLines(c)).isOne();
            v.await(Chat.type("closed", c), Duration.ofSeconds(5));
        } finally {
            TimersRebuiltFromPostgresTest.allowClose(trigger);
            Chat.retire(team.tenantId());
        }
    }

    /**
     * The visitor writes at the one moment an auto-close is visible in the transcript (its line
     * committed). Publishing waits meanwhile (Redis refuses writes for a moment), which holds a
     * firing at whatever it does next. A message that made it into the conversation must keep it
     * open; one that found it closed goes elsewhere (the service starts a new conversation).
     */
    @Test
    void aVisitorMessageIsNeverSwallowedByAnAutoClose() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, Chat.type("assigned", c));
            silentForAnHour(c);

            Optional<MessageStore.Appended> written;
            CompletableFuture<Optional<Instant>> firing;
            redis.execute("CLIENT", "PAUSE", "5000", "WRITE");
            try {
                firing = conversations.closeSilent(team.tenantId(), c, SILENCE, 2).subscribeAsCompletionStage();
                await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20)).until(() -> systemLines(c) == 1);
                written = messages.appendByVisitor(team.tenantId(), c, visitor.id(), clientId(), "wait, one more thing")
                        .await().atMost(Duration.ofSeconds(4));
            } finally {
                redis.execute("CLIENT", "UNPAUSE");
            }
            firing.get(10, TimeUnit.SECONDS);

            if (written.isPresent()) {
                assertThat(open(c)).as("closed after the visitor wrote into it").isOne();
            } else {
                assertThat(open(c)).isZero();
                assertThat(Fixtures.count("""
                        select count(*) from messages where conversation_id = ? and sender_kind = 'visitor'
                          and seq > (select max(seq) from messages where conversation_id = ? and sender_kind = 'system')""", c, c))
                        .as("visitor messages after the close line").isZero();
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
