package io.switchboard.attachment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.conversation.DeliverySweep;
import jakarta.inject.Inject;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static io.switchboard.attachment.AttachmentRestTest.download;
import static io.switchboard.attachment.AttachmentRestTest.uploadByStaff;
import static io.switchboard.attachment.AttachmentRestTest.uploadByVisitor;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.ackOf;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.errorFor;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

/**
 * Messages that carry attachments (C1), from both sides: the {@code message} frame names the
 * uploads, the other side gets their metadata live, on resume and in the history, and may
 * then download them; an upload goes with one message of its owner only.
 */
@QuarkusTest
class AttachmentMessagesTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    DeliverySweep sweep;

    private static JsonNode sendWithAttachments(WsClient ws, String conversationId, String clientId, String text, String... ids) {
        ws.send(frame("message", "conversationId", conversationId, "clientId", clientId, "text", text, "attachments", List.of(ids)));
        return ws.await(ackOf(clientId).or(errorFor(clientId)), WAIT);
    }

    private static Predicate<JsonNode> messageWith(String conversationId, String attachmentId) {
        return f -> "message".equals(f.path("type").asText()) && conversationId.equals(f.path("conversationId").asText())
                && f.path("attachments").path(0).path("id").asText().equals(attachmentId);
    }

    private static void assertMetadata(JsonNode attachment, String id, String name, String contentType, int size) {
        assertThat(attachment.path("id").asText()).isEqualTo(id);
        assertThat(attachment.path("name").asText()).isEqualTo(name);
        assertThat(attachment.path("contentType").asText()).isEqualTo(contentType);
        assertThat(attachment.path("size").asInt()).isEqualTo(size);
        assertThat(attachment.path("url").asText()).isEqualTo("/api/v1/attachments/" + id);
    }

    @Test
    void aVisitorsPictureWithoutWordsStartsAConversationAndReachesTheAgentLiveInHistoryAndOnResume() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        byte[] png = Samples.png();
        String id = uploadByVisitor(visitor.token(), png, "broken-screen.png").then().statusCode(200).extract().path("id");
        try (WsClient agent = Chat.agentSocket(base, jwt); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String cid = clientId();
            v.send(frame("message", "clientId", cid, "attachments", List.of(id)));
            JsonNode ack = v.await(ackOf(cid).or(errorFor(cid)), WAIT);
            assertThat(ack.path("type").asText()).as("reply %s", ack).isEqualTo("ack");
            String c = ack.path("conversationId").asText();

            JsonNode live = Chat.received(agent, messageWith(c, id));
            assertThat(live.path("text").asText()).isEmpty();
            assertMetadata(live.path("attachments").path(0), id, "broken-screen.png", "image/png", png.length);

            JsonNode history = given().auth().oauth2(jwt).when().get("/api/v1/conversations/" + c + "/messages")
                    .then().statusCode(200).extract().as(JsonNode.class);
            assertMetadata(history.path(0).path("attachments").path(0), id, "broken-screen.png", "image/png", png.length);
            // Sent into the conversation, the file is the agent's to read.
            assertThat(download(jwt, id).then().statusCode(200).extract().asByteArray()).isEqualTo(png);
        }
        try (WsClient again = Chat.visitorSocket(base, visitor.token())) {
            again.send(frame("resume"));
            JsonNode resumed = again.await(f -> "message".equals(f.path("type").asText()), WAIT);
            assertMetadata(resumed.path("attachments").path(0), id, "broken-screen.png", "image/png", png.length);
        }
    }

    @Test
    void theListPreviewsAFileOnlyMessageByItsFilesAndAMessageWithWordsByItsText() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        String png = uploadByVisitor(visitor.token(), Samples.png(), "screen.png").then().statusCode(200).extract().path("id");
        String pdf = uploadByVisitor(visitor.token(), Samples.pdf(), "terms.pdf").then().statusCode(200).extract().path("id");
        try (WsClient agent = Chat.agentSocket(base, jwt); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String cid = clientId();
            v.send(frame("message", "clientId", cid, "attachments", List.of(png, pdf)));
            String c = v.await(ackOf(cid), WAIT).path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);

            JsonNode row = listed(jwt, c);
            assertThat(row.path("preview").asText()).isEmpty();
            assertThat(row.path("previewAttachments").size()).isEqualTo(2);
            assertThat(row.path("previewAttachments").path(0).path("name").asText()).isEqualTo("screen.png");
            assertThat(row.path("previewAttachments").path(0).path("contentType").asText()).isEqualTo("image/png");
            assertThat(row.path("previewAttachments").path(1).path("name").asText()).isEqualTo("terms.pdf");
            assertThat(row.path("previewAttachments").path(1).path("contentType").asText()).isEqualTo("application/pdf");

            Chat.send(v, c, clientId(), "did you get them?");
            JsonNode later = listed(jwt, c);
            assertThat(later.path("preview").asText()).isEqualTo("did you get them?");
            assertThat(later.has("previewAttachments")).isFalse();
        }
    }

    private static JsonNode listed(String jwt, String conversationId) {
        JsonNode list = given().auth().oauth2(jwt).when().get("/api/v1/conversations?state=open")
                .then().statusCode(200).extract().as(JsonNode.class);
        for (JsonNode row : list) {
            if (conversationId.equals(row.path("id").asText())) {
                return row;
            }
        }
        throw new AssertionError("not listed: " + conversationId + " in " + list);
    }

    @Test
    void theWidgetLearnsTheLargestFileItMaySendWithItsToken() {
        Fixtures.Team team = Fixtures.team(1, 5);
        given().contentType("application/json").body("{}")
                .when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(200)
                .body("attachmentMaxSize", org.hamcrest.Matchers.equalTo(10 * 1024 * 1024));
    }

    @Test
    void anAgentsFileReachesTheVisitorLiveAndOnResumeAndTheVisitorMayDownloadIt() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agent = Chat.agentSocket(base, jwt); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "where is my invoice?").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);
            byte[] pdf = Samples.pdf();
            String id = uploadByStaff(jwt, c, pdf, "invoice-2026.pdf").then().statusCode(200).extract().path("id");

            JsonNode ack = sendWithAttachments(agent, c, clientId(), "here it is", id);
            assertThat(ack.path("type").asText()).as("reply %s", ack).isEqualTo("ack");
            JsonNode live = Chat.received(v, messageWith(c, id));
            assertThat(live.path("text").asText()).isEqualTo("here it is");
            assertMetadata(live.path("attachments").path(0), id, "invoice-2026.pdf", "application/pdf", pdf.length);
            download(visitor.token(), id).then().statusCode(200).header("Content-Disposition", startsWith("attachment;"));

            try (WsClient console = Chat.agentSocket(base, jwt)) {
                console.send(frame("resume", "cursors", List.of(Map.of("conversationId", c, "lastSeq", 1))));
                JsonNode resumed = console.await(messageWith(c, id), WAIT);
                assertThat(resumed.path("seq").asLong()).isEqualTo(2);
            }
            try (WsClient again = Chat.visitorSocket(base, visitor.token())) {
                again.send(frame("resume", "conversationId", c, "lastSeq", 1));
                assertMetadata(again.await(messageWith(c, id), WAIT).path("attachments").path(0), id, "invoice-2026.pdf",
                        "application/pdf", pdf.length);
            }
        }
    }

    @Test
    void anUploadGoesWithOneMessageOfItsOwnerOnlyAndARefusalStoresNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        Chat.Visitor stranger = Chat.visitor(team.channelKey());
        try (WsClient agent = Chat.agentSocket(base, jwt); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);
            String mine = uploadByVisitor(visitor.token(), Samples.png(), "a.png").path("id");
            String first = clientId();
            JsonNode sent = sendWithAttachments(v, c, first, "one", mine);
            assertThat(sent.path("type").asText()).isEqualTo("ack");
            long messages = Fixtures.count("select count(*) from messages where conversation_id = ?::uuid", c);

            // The same upload again, in a new message: refused.
            assertThat(sendWithAttachments(v, c, clientId(), "two", mine).path("code").asText()).isEqualTo("invalid");
            // Someone else's upload: another visitor's, or the visitor's sent to the agent's message.
            String theirs = uploadByVisitor(stranger.token(), Samples.png(), "b.png").path("id");
            assertThat(sendWithAttachments(v, c, clientId(), "three", theirs).path("code").asText()).isEqualTo("invalid");
            String pending = uploadByVisitor(visitor.token(), Samples.png(), "c.png").path("id");
            assertThat(sendWithAttachments(agent, c, clientId(), "four", pending).path("code").asText()).isEqualTo("invalid");
            // An id that was never uploaded.
            assertThat(sendWithAttachments(v, c, clientId(), "five", java.util.UUID.randomUUID().toString()).path("code").asText())
                    .isEqualTo("invalid");
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?::uuid", c)).isEqualTo(messages);

            // A resend of the first message is the same message, acked again with its seq.
            JsonNode again = sendWithAttachments(v, c, first, "one", mine);
            assertThat(again.path("type").asText()).isEqualTo("ack");
            assertThat(again.path("seq").asLong()).isEqualTo(sent.path("seq").asLong());
        }
    }

    @Test
    void theDeliverySweepPublishesAMessageWithItsAttachments() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agent = Chat.agentSocket(base, jwt); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);
            String id = uploadByVisitor(visitor.token(), Samples.png(), "a.png").path("id");
            long seq = sendWithAttachments(v, c, clientId(), "", id).path("seq").asLong();
            agent.await(messageWith(c, id), WAIT);
            String delivered = "select count(*) from message_deliveries d join messages m on m.id = d.message_id"
                    + " where m.conversation_id = ?::uuid and m.seq = " + seq;
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> Fixtures.count(delivered, c) == 0);
            // As if the replica that stored it had died before publishing: the sweep publishes it, files and all.
            Fixtures.count("with m as (select id from messages where conversation_id = ?::uuid and seq = " + seq + "), "
                    + "d as (insert into message_deliveries (message_id, stored_at) select id, now() - interval '1 minute' from m "
                    + "on conflict do nothing returning 1) select count(*) from d", c);
            int before = agent.seen().size();
            sweep.sweep().await().atMost(WAIT);
            JsonNode swept = Chat.receivedSince(agent, before, messageWith(c, id));
            assertThat(swept.path("seq").asLong()).isEqualTo(seq);
            assertThat(swept.path("attachments").path(0).path("url").asText()).isEqualTo("/api/v1/attachments/" + id);
        }
    }

    @Test
    void aFileInAnInternalNoteNeverReachesTheVisitor() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String jwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agent = Chat.agentSocket(base, jwt); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            agent.await(type("assigned", c), WAIT);
            String id = uploadByStaff(jwt, c, Samples.pdf(), "internal.pdf").path("id");
            String cid = clientId();
            agent.send(frame("message", "conversationId", c, "clientId", cid, "text", "for supervisors",
                    "internal", true, "attachments", List.of(id)));
            assertThat(agent.await(ackOf(cid).or(errorFor(cid)), WAIT).path("type").asText()).isEqualTo("ack");
            download(visitor.token(), id).then().statusCode(404);
            download(jwt, id).then().statusCode(200);
        }
    }
}
