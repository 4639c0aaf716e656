package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live delivery of messages is driven by what is stored (docs/operations.md, "Message
 * delivery"): a message a replica committed but never published, as when it died in between,
 * still reaches the other side, from the delivery sweep of any replica or from the re-send of
 * its clientId, and the sweep's claim publishes it once however many replicas sweep.
 */
@QuarkusTest
class MessageDeliveryTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    DeliverySweep sweep;

    private record Live(Fixtures.Team team, Chat.Visitor visitor, String agentId, String conversationId,
                        WsClient agentWs, WsClient visitorWs) {}

    /** A conversation between a fresh visitor and the team's only agent, both sockets open, message 1 delivered. */
    private Live start() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        WsClient agentWs = Chat.agentSocket(base, jwt);
        WsClient visitorWs = Chat.visitorSocket(base, visitor.token());
        String conversationId = Chat.send(visitorWs, null, clientId(), "hello").path("conversationId").asText();
        Chat.received(visitorWs, type("assigned", conversationId));
        agentWs.await(type("assigned", conversationId), WAIT);
        agentWs.await(Chat.messageSeq(1), WAIT);
        return new Live(team, visitor, team.agents().get(0).id(), conversationId, agentWs, visitorWs);
    }

    /**
     * What a replica that died between commit and publish leaves behind: a message stored like
     * an append stores it (numbered, recorded as undelivered), published to no one.
     */
    private static long stranded(String conversationId, String senderKind, String senderId, String clientId, String text,
                                 boolean internal, String storedAgo) {
        String sql = """
                with bump as (
                  update conversations set last_seq = last_seq + 1 where id = ? returning id, tenant_id, last_seq
                ), ins as (
                  insert into messages (tenant_id, conversation_id, seq, client_id, sender_kind, sender_id, text, internal)
                  select tenant_id, id, last_seq, ?, ?, ?, ?, ? from bump returning id, seq
                ), pending as (
                  insert into message_deliveries (message_id, stored_at) select id, now() - ?::interval from ins
                )
                select seq from ins
                """;
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, UUID.fromString(conversationId));
            ps.setString(2, clientId);
            ps.setString(3, senderKind);
            ps.setObject(4, UUID.fromString(senderId));
            ps.setString(5, text);
            ps.setBoolean(6, internal);
            ps.setString(7, storedAgo);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long undelivered(String conversationId) {
        return Fixtures.count("select count(*) from message_deliveries d join messages m on m.id = d.message_id "
                + "where m.conversation_id = ?", conversationId);
    }

    private static long framesWithSeq(WsClient ws, long seq) {
        return ws.seen().stream().filter(Chat.messageSeq(seq)).count();
    }

    @Test
    void thePublishingReplicaMarksItsMessagesDelivered() {
        Live live = start();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            Chat.send(visitorWs, live.conversationId(), clientId(), "one");
            Chat.send(agentWs, live.conversationId(), clientId(), "two");
            visitorWs.await(Chat.messageSeq(3), WAIT);
            // Long before the grace period ends: the sweep never sees a healthy replica's messages.
            await().atMost(Duration.ofSeconds(1)).until(() -> undelivered(live.conversationId()) == 0);
        } finally {
            Chat.retire(live.team().tenantId());
        }
    }

    @Test
    void aStoredButUnpublishedMessageIsPublishedOnceHoweverManyReplicasSweepAtOnce() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            long seq = stranded(c, "visitor", live.visitor().id(), clientId(), "my last word", false, "1 minute");

            List<Uni<Integer>> sweeps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sweeps.add(sweep.sweep());
            }
            // Each sweep answers; how many messages they published together is not this test's to count:
            // the sweep is tenant-wide, and another test may have left messages stored without their
            // fan-out (GroupCommitTest appends below it). The copies the agent got, below, are the rule.
            Uni.join().all(sweeps).andFailFast().await().atMost(WAIT);

            JsonNode frame = agentWs.await(Chat.messageSeq(seq), WAIT);
            assertThat(frame.path("text").asText()).isEqualTo("my last word");
            assertThat(frame.path("sender").path("kind").asText()).isEqualTo("visitor");
            assertThat(frame.path("sender").path("id").asText()).isEqualTo(live.visitor().id());
            assertThat(frame.path("conversationId").asText()).isEqualTo(c);
            await().atMost(WAIT).until(() -> undelivered(c) == 0);

            // Every sweep has answered: a message published after them arrives after whatever they published.
            long next = Chat.send(visitorWs, c, clientId(), "sentinel").path("seq").asLong();
            agentWs.await(Chat.messageSeq(next), WAIT);
            assertThat(framesWithSeq(agentWs, seq)).as("copies of the swept message").isEqualTo(1);
        } finally {
            Chat.retire(live.team().tenantId());
        }
    }

    @Test
    void anInternalNoteLeftUnpublishedIsSweptToStaffOnly() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            long seq = stranded(c, "agent", live.agentId(), clientId(), "note to self", true, "1 minute");
            sweep.sweep().await().atMost(WAIT);
            JsonNode frame = agentWs.await(Chat.messageSeq(seq), WAIT);
            assertThat(frame.path("internal").asBoolean()).isTrue();

            long next = Chat.send(agentWs, c, clientId(), "sentinel").path("seq").asLong();
            visitorWs.await(Chat.messageSeq(next), WAIT);
            assertThat(framesWithSeq(visitorWs, seq)).isZero();
        } finally {
            Chat.retire(live.team().tenantId());
        }
    }

    @Test
    void aResentVisitorClientIdPublishesTheStoredMessageTheDeadReplicaNeverPublished() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            String id = clientId();
            // Just stored: the sweep would leave it alone for the grace period.
            long seq = stranded(c, "visitor", live.visitor().id(), id, "are you there?", false, "0 seconds");

            // The widget never got the ack and sends it again: acked from the stored row, and published.
            JsonNode ack = Chat.send(visitorWs, c, id, "are you there?");
            assertThat(ack.path("seq").asLong()).isEqualTo(seq);
            assertThat(ack.path("conversationId").asText()).isEqualTo(c);

            // The re-publish went out before the ack; the next message's frame comes after it.
            long next = Chat.send(visitorWs, c, clientId(), "hello?").path("seq").asLong();
            agentWs.await(Chat.messageSeq(next), WAIT);
            JsonNode frame = agentWs.seen().stream().filter(Chat.messageSeq(seq)).findFirst()
                    .orElseThrow(() -> new AssertionError("the re-sent message never reached the agent: " + agentWs.seen()));
            assertThat(frame.path("text").asText()).isEqualTo("are you there?");
            assertThat(frame.path("sender").path("name").asText()).isNotBlank();
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = ?", c, id))
                    .isEqualTo(1);
            await().atMost(WAIT).until(() -> undelivered(c) == 0);
        } finally {
            Chat.retire(live.team().tenantId());
        }
    }

    @Test
    void aResentStaffClientIdPublishesTheStoredMessageToTheVisitor() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            String id = clientId();
            long seq = stranded(c, "agent", live.agentId(), id, "on it", false, "0 seconds");

            JsonNode ack = Chat.send(agentWs, c, id, "a different text does not replace the stored one");
            assertThat(ack.path("seq").asLong()).isEqualTo(seq);

            long next = Chat.send(agentWs, c, clientId(), "done").path("seq").asLong();
            visitorWs.await(Chat.messageSeq(next), WAIT);
            JsonNode frame = visitorWs.seen().stream().filter(Chat.messageSeq(seq)).findFirst()
                    .orElseThrow(() -> new AssertionError("the re-sent message never reached the visitor: " + visitorWs.seen()));
            assertThat(frame.path("text").asText()).isEqualTo("on it");
            assertThat(frame.path("sender").path("kind").asText()).isEqualTo("agent");
        } finally {
            Chat.retire(live.team().tenantId());
        }
    }
}
