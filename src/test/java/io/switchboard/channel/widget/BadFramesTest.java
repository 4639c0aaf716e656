package io.switchboard.channel.widget;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN rule 6 on sockets: a refused frame gets an error frame, changes nothing, and the socket lives on. */
@QuarkusTest
class BadFramesTest {

    @TestHTTPResource("/")
    URL base;

    /** Sends raw text and returns the error frame it earned. */
    private static JsonNode refused(WsClient ws, String raw) {
        ws.send(raw);
        return ws.awaitType("error");
    }

    private static long stored(Fixtures.Team team) {
        return Fixtures.count("select count(*) from messages where tenant_id = ?", team.tenantId())
                + Fixtures.count("select count(*) from conversations where tenant_id = ?", team.tenantId());
    }

    @Test
    void malformedJsonGetsBadJsonAndTheSocketStillWorks() {
        assertRefusedThenRecovers("{\"type\":\"message\",\"clientId\":\"x\",", "bad_json", null);
    }

    @Test
    void nonObjectJsonGetsBadJson() {
        assertRefusedThenRecovers("[1,2,3]", "bad_json", null);
    }

    @Test
    void unknownTypeGetsUnknownTypeAndTheSocketStillWorks() {
        assertRefusedThenRecovers("{\"type\":\"dance\",\"clientId\":\"u1\"}", "unknown_type", null);
    }

    @Test
    void staffOnlyFrameFromAVisitorGetsUnknownType() {
        assertRefusedThenRecovers("{\"type\":\"status\",\"status\":\"online\"}", "unknown_type", null);
    }

    @Test
    void frameOver64KiBGetsTooLargeAndTheSocketStillWorks() {
        // Under the transport limit, over the protocol's 64 KiB.
        String big = "{\"type\":\"message\",\"clientId\":\"big\",\"text\":\"" + "x".repeat(64 * 1024 + 10) + "\"}";
        assertRefusedThenRecovers(big, "too_large", null);
    }

    @Test
    void frameOver64KiBInMultiByteCharactersGetsTooLarge() {
        // 22,000 three-byte characters: fewer than 64 Ki chars, more than 64 KiB on the wire.
        String big = "{\"type\":\"message\",\"clientId\":\"big\",\"text\":\"" + "\u20ac".repeat(22_000) + "\"}";
        assertRefusedThenRecovers(big, "too_large", null);
    }

    @Test
    void messageWithEmptyTextIsInvalidWithItsClientIdAsRef() {
        assertRefusedThenRecovers("{\"type\":\"message\",\"clientId\":\"empty-1\",\"text\":\"\"}", "invalid", "empty-1");
    }

    @Test
    void messageWithBlankTextIsInvalid() {
        assertRefusedThenRecovers("{\"type\":\"message\",\"clientId\":\"blank-1\",\"text\":\"   \"}", "invalid", "blank-1");
    }

    @Test
    void messageWithTextOver5000CharactersIsInvalid() {
        assertRefusedThenRecovers("{\"type\":\"message\",\"clientId\":\"long-1\",\"text\":\"" + "y".repeat(5001) + "\"}",
                "invalid", "long-1");
    }

    @Test
    void messageMissingClientIdIsInvalid() {
        assertRefusedThenRecovers("{\"type\":\"message\",\"text\":\"hello\"}", "invalid", null);
    }

    @Test
    void visitorCannotSendAnInternalNote() {
        assertRefusedThenRecovers("{\"type\":\"message\",\"clientId\":\"n-1\",\"text\":\"hi\",\"internal\":true}",
                "invalid", "n-1");
    }

    @Test
    void frameWithoutTypeIsInvalid() {
        assertRefusedThenRecovers("{\"clientId\":\"t-1\",\"text\":\"hi\"}", "invalid", "t-1");
    }

    @Test
    void everyRefusalInARowLeavesTheSocketUsable() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            assertThat(refused(ws, "nope").path("code").asText()).isEqualTo("bad_json");
            assertThat(refused(ws, "{\"type\":\"wave\"}").path("code").asText()).isEqualTo("unknown_type");
            assertThat(refused(ws, "{\"type\":\"message\",\"clientId\":\"a\",\"text\":\"" + "z".repeat(70_000) + "\"}")
                    .path("code").asText()).isEqualTo("too_large");
            assertThat(refused(ws, "{\"type\":\"message\",\"clientId\":\"b\",\"text\":\"\"}").path("code").asText())
                    .isEqualTo("invalid");
            assertThat(refused(ws, "{\"type\":\"message\",\"text\":\"no id\"}").path("code").asText()).isEqualTo("invalid");
            assertThat(stored(team)).isZero();

            String id = clientId();
            JsonNode ack = Chat.send(ws, null, id, "finally a good one");
            assertThat(ack.path("seq").asLong()).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from messages where tenant_id = ?", team.tenantId())).isEqualTo(1);
            assertThat(ws.isClosed()).isFalse();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void refusedFrameInsideAConversationStoresNothing() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(ws, null, clientId(), "first").path("conversationId").asText();
            JsonNode error = refused(ws, "{\"type\":\"message\",\"conversationId\":\"" + c + "\",\"clientId\":\"e\",\"text\":\"\"}");
            assertThat(error.path("code").asText()).isEqualTo("invalid");
            assertThat(error.path("ref").asText()).isEqualTo("e");
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", c)).isEqualTo(1);
            assertThat(Fixtures.count("select last_seq from conversations where id = ?", c)).isEqualTo(1);
            assertThat(Chat.send(ws, c, clientId(), "second").path("seq").asLong()).isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void staffSocketRefusesBadFramesAndStaysOpen() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient ws = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()))) {
            assertThat(refused(ws, "{oops").path("code").asText()).isEqualTo("bad_json");
            assertThat(refused(ws, "{\"type\":\"rate\",\"score\":5}").path("code").asText()).isEqualTo("unknown_type");
            assertThat(refused(ws, "{\"type\":\"status\",\"status\":\"busy\"}").path("code").asText()).isEqualTo("invalid");
            assertThat(refused(ws, "{\"type\":\"message\",\"clientId\":\"s\",\"text\":\"no conversation\"}")
                    .path("code").asText()).isEqualTo("invalid");
            assertThat(refused(ws, "x".repeat(70_000)).path("code").asText()).isEqualTo("too_large");
            // Still open: a valid frame is acted on.
            ws.send(frame("status", "status", "break"));
            ws.await(f -> "status".equals(f.path("type").asText()) && "break".equals(f.path("status").asText()), WAIT);
            assertThat(stored(team)).isZero();
        }
    }

    private void assertRefusedThenRecovers(String raw, String code, String ref) {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient ws = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            JsonNode error = refused(ws, raw);
            assertThat(error.path("code").asText()).as("error frame %s", error).isEqualTo(code);
            assertThat(error.path("message").asText()).isNotBlank();
            if (ref != null) {
                assertThat(error.path("ref").asText()).isEqualTo(ref);
            }
            assertThat(stored(team)).as("rows written for a refused frame").isZero();

            JsonNode ack = Chat.send(ws, null, clientId(), "valid after refusal");
            assertThat(ack.path("seq").asLong()).isEqualTo(1);
            assertThat(ws.isClosed()).isFalse();
            assertThat(Fixtures.count("select count(*) from messages where tenant_id = ?", team.tenantId())).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
