package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.ackOf;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN rule 2: nothing is lost on a dropped link, and nothing is stored twice. */
@QuarkusTest
class ResumeAndDedupeTest {

    @TestHTTPResource("/")
    URL base;

    /** A conversation between a fresh visitor and the team's only agent, both sockets open. */
    private record Live(Fixtures.Team team, String jwt, Chat.Visitor visitor, String conversationId,
                        WsClient agentWs, WsClient visitorWs) {}

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
        return new Live(team, jwt, visitor, conversationId, agentWs, visitorWs);
    }

    private static List<Long> messageSeqs(List<JsonNode> frames) {
        return Chat.ofType(frames, "message").stream().map(f -> f.path("seq").asLong()).toList();
    }

    /** Frames the socket receives up to and including the ack of a fresh message sent through it. */
    private static List<JsonNode> framesUntilSentinel(WsClient ws, String conversationId) {
        int from = ws.seen().size();
        Chat.send(ws, conversationId, clientId(), "sentinel");
        return new ArrayList<>(ws.seen().subList(from, ws.seen().size()));
    }

    @Test
    void visitorResumeReturnsExactlyTheMissedMessagesInOrder() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs()) {
            Chat.send(agentWs, c, clientId(), "reply one");
            assertThat(live.visitorWs().await(Chat.messageSeq(2), WAIT).path("text").asText()).isEqualTo("reply one");
            long lastSeen = 2;

            // The visitor's network dies; the agent keeps writing.
            live.visitorWs().drop();
            List<String> missed = List.of("missed a", "missed b", "missed c");
            for (String text : missed) {
                Chat.send(agentWs, c, clientId(), text);
            }

            try (WsClient again = Chat.visitorSocket(base, live.visitor().token())) {
                again.send(frame("resume", "conversationId", c, "lastSeq", lastSeen));
                JsonNode m3 = again.await(type("message", c), WAIT);
                JsonNode m4 = again.await(type("message", c), WAIT);
                JsonNode m5 = again.await(type("message", c), WAIT);
                assertThat(List.of(m3, m4, m5)).extracting(f -> f.path("seq").asLong()).containsExactly(3L, 4L, 5L);
                assertThat(List.of(m3, m4, m5)).extracting(f -> f.path("text").asText()).containsExactlyElementsOf(missed);
                assertThat(List.of(m3, m4, m5)).allMatch(f -> "agent".equals(f.path("sender").path("kind").asText()));

                // The resume also restates the conversation's state, and carries no other message.
                List<JsonNode> all = new ArrayList<>(again.seen());
                all.addAll(framesUntilSentinel(again, c));
                assertThat(messageSeqs(all)).containsExactly(3L, 4L, 5L);
                assertThat(Chat.ofType(all, "assigned")).hasSize(1);
            }
        } finally {
            live.visitorWs().close();
        }
    }

    @Test
    void visitorResumeLeavesOutInternalNotes() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs()) {
            live.visitorWs().drop();
            Chat.send(agentWs, c, clientId(), "public before");
            agentWs.send(frame("message", "conversationId", c, "clientId", "note-1", "text", "internal only", "internal", true));
            agentWs.await(ackOf("note-1"), WAIT);
            Chat.send(agentWs, c, clientId(), "public after");

            try (WsClient again = Chat.visitorSocket(base, live.visitor().token())) {
                again.send(frame("resume", "conversationId", c, "lastSeq", 1));
                again.await(Chat.messageSeq(4), WAIT);
                List<JsonNode> all = new ArrayList<>(again.seen());
                all.addAll(framesUntilSentinel(again, c));
                // seq 3 is the note: a gap the visitor is allowed to see, never the note itself.
                assertThat(messageSeqs(all)).containsExactly(2L, 4L);
                assertThat(all).noneMatch(f -> "internal only".equals(f.path("text").asText()));
            }
        } finally {
            live.visitorWs().close();
        }
    }

    @Test
    void resumeWithCursorAtTheEndReturnsNoMessages() {
        Live live = start();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            visitorWs.send(frame("resume", "conversationId", live.conversationId(), "lastSeq", 1));
            int from = visitorWs.seen().size();
            visitorWs.await(type("assigned", live.conversationId()), WAIT);
            List<JsonNode> after = new ArrayList<>(visitorWs.seen().subList(from, visitorWs.seen().size()));
            after.addAll(framesUntilSentinel(visitorWs, live.conversationId()));
            assertThat(messageSeqs(after)).isEmpty();
            assertThat(agentWs.isClosed()).isFalse();
        }
    }

    @Test
    void resentVisitorClientIdGetsTheSameAckIsStoredOnceAndIsPublishedAgain() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            String id = clientId();
            JsonNode first = Chat.send(visitorWs, c, id, "where is my parcel?");
            assertThat(first.path("seq").asLong()).isEqualTo(2);
            agentWs.await(Chat.messageSeq(2), WAIT);

            // The widget did not see the ack (say) and sends the same message again, twice.
            JsonNode second = Chat.send(visitorWs, c, id, "where is my parcel?");
            JsonNode third = Chat.send(visitorWs, null, id, "where is my parcel?");
            for (JsonNode again : List.of(second, third)) {
                assertThat(again.path("seq").asLong()).isEqualTo(2);
                assertThat(again.path("conversationId").asText()).isEqualTo(c);
            }

            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = ?", c, id))
                    .isEqualTo(1);
            assertThat(Fixtures.count("select last_seq from conversations where id = ?", c)).isEqualTo(2);

            // Each re-send published the stored message again (the replica that stored it may have
            // died before publishing): the agent holds seq 2 and drops the copies.
            Chat.send(visitorWs, c, clientId(), "hello?");
            agentWs.await(Chat.messageSeq(3), WAIT);
            assertThat(messageSeqs(agentWs.seen())).containsExactly(1L, 2L, 2L, 2L, 3L);
            assertThat(Chat.ofType(agentWs.seen(), "message").stream().filter(Chat.messageSeq(2)).map(f -> f.path("text").asText()))
                    .containsOnly("where is my parcel?");
        }
    }

    @Test
    void resentAgentClientIdGetsTheSameAckIsStoredOnceAndIsPublishedAgain() {
        Live live = start();
        String c = live.conversationId();
        try (WsClient agentWs = live.agentWs(); WsClient visitorWs = live.visitorWs()) {
            String id = clientId();
            JsonNode first = Chat.send(agentWs, c, id, "on it");
            JsonNode second = Chat.send(agentWs, c, id, "on it");
            assertThat(first.path("seq").asLong()).isEqualTo(2);
            assertThat(second.path("seq").asLong()).isEqualTo(2);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = ?", c, id))
                    .isEqualTo(1);

            Chat.send(agentWs, c, clientId(), "done");
            visitorWs.await(Chat.messageSeq(3), WAIT);
            assertThat(messageSeqs(visitorWs.seen())).containsExactly(2L, 2L, 3L);
        }
    }

    @Test
    void sameClientIdFromTwoSocketsAtOnceStartsOneConversationAndStoresOnce() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient tabA = Chat.visitorSocket(base, visitor.token());
             WsClient tabB = Chat.visitorSocket(base, visitor.token())) {
            String id = clientId();
            Map<String, Object> f = frame("message", "clientId", id, "text", "hi from two tabs");
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> { await(go); tabA.send(f); });
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> { await(go); tabB.send(f); });
            go.countDown();
            CompletableFuture.allOf(a, b).join();

            JsonNode ackA = tabA.await(ackOf(id).or(Chat.errorFor(id)), WAIT);
            JsonNode ackB = tabB.await(ackOf(id).or(Chat.errorFor(id)), WAIT);
            assertThat(ackA.path("type").asText()).as("tab A: %s", ackA).isEqualTo("ack");
            assertThat(ackB.path("type").asText()).as("tab B: %s", ackB).isEqualTo("ack");
            assertThat(ackA.path("seq").asLong()).isEqualTo(1);
            assertThat(ackB.path("seq").asLong()).isEqualTo(1);
            assertThat(ackA.path("conversationId").asText()).isEqualTo(ackB.path("conversationId").asText());

            assertThat(Fixtures.count("select count(*) from conversations where visitor_id = ?", visitor.id())).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from messages m join conversations c on c.id = m.conversation_id "
                    + "where c.visitor_id = ?", visitor.id())).isEqualTo(1);
        }
    }

    @Test
    void staffResumeWithCursorsReturnsEveryMissedMessageIncludingNotes() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor v1 = Chat.visitor(team.channelKey());
        Chat.Visitor v2 = Chat.visitor(team.channelKey());
        WsClient agentWs = Chat.agentSocket(base, jwt);
        try (WsClient w1 = Chat.visitorSocket(base, v1.token()); WsClient w2 = Chat.visitorSocket(base, v2.token())) {
            String c1 = Chat.send(w1, null, clientId(), "first visitor").path("conversationId").asText();
            String c2 = Chat.send(w2, null, clientId(), "second visitor").path("conversationId").asText();
            Chat.received(w1, type("assigned", c1));
            Chat.received(w2, type("assigned", c2));
            agentWs.await(f -> "message".equals(f.path("type").asText()) && c2.equals(f.path("conversationId").asText()), WAIT);
            agentWs.send(frame("message", "conversationId", c1, "clientId", "note", "text", "vip customer", "internal", true));
            assertThat(agentWs.await(ackOf("note"), WAIT).path("seq").asLong()).isEqualTo(2);

            // The console loses its link; both visitors keep writing.
            agentWs.drop();
            Chat.send(w1, c1, clientId(), "c1 three");
            Chat.send(w1, c1, clientId(), "c1 four");
            Chat.send(w2, c2, clientId(), "c2 two");

            try (WsClient console = Chat.agentSocket(base, jwt)) {
                console.send(frame("resume", "cursors", List.of(
                        Map.of("conversationId", c1, "lastSeq", 1),
                        Map.of("conversationId", c2, "lastSeq", 1))));
                console.await(f -> "message".equals(f.path("type").asText()) && c2.equals(f.path("conversationId").asText()), WAIT);
                List<JsonNode> all = new ArrayList<>(console.seen());
                all.addAll(framesUntilSentinel(console, c1));

                List<JsonNode> messages = Chat.ofType(all, "message");
                assertThat(messages).extracting(f -> f.path("conversationId").asText() + "#" + f.path("seq").asLong())
                        .containsExactly(c1 + "#2", c1 + "#3", c1 + "#4", c2 + "#2");
                assertThat(messages.get(0).path("internal").asBoolean()).isTrue();
                assertThat(messages.get(0).path("text").asText()).isEqualTo("vip customer");
                assertThat(messages.get(1).path("text").asText()).isEqualTo("c1 three");
                assertThat(messages.get(3).path("text").asText()).isEqualTo("c2 two");
                assertThat(Chat.ofType(all, "assigned")).extracting(f -> f.path("conversationId").asText())
                        .containsExactlyInAnyOrder(c1, c2);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
