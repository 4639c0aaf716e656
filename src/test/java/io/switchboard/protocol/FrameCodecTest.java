package io.switchboard.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec(new ObjectMapper());

    @Test
    void visitorMessageDecodesWithoutConversationId() {
        var d = codec.decode("{\"type\":\"message\",\"clientId\":\"c1\",\"text\":\"hello\"}", Side.VISITOR);
        assertThat(d.error()).isNull();
        assertThat(d.frame()).isEqualTo(new ClientFrame.SendMessage(null, "c1", "hello", false));
    }

    @Test
    void aMessageWithAttachmentsMayHaveNoText() {
        String id = "7d9f3c2a-1b4e-4c6d-9a8b-0e1f2a3b4c5d";
        var d = codec.decode("{\"type\":\"message\",\"clientId\":\"c1\",\"attachments\":[\"" + id + "\"]}", Side.VISITOR);
        assertThat(d.error()).isNull();
        assertThat(d.frame()).isEqualTo(new ClientFrame.SendMessage(null, "c1", "", false, java.util.List.of(id)));
        assertThat(codec.decode("{\"type\":\"message\",\"clientId\":\"c1\",\"text\":\"\",\"attachments\":[\"" + id + "\"]}",
                Side.VISITOR).error()).isNull();
        // Without attachments an empty text is still refused.
        assertThat(codec.decode("{\"type\":\"message\",\"clientId\":\"c1\",\"text\":\"\",\"attachments\":[]}", Side.VISITOR)
                .error().code()).isEqualTo(FrameError.INVALID);
    }

    @Test
    void attachmentsAreAtMostTenDistinctIds() {
        String id = "7d9f3c2a-1b4e-4c6d-9a8b-0e1f2a3b4c5d";
        for (String bad : new String[] {"\"" + id + "\"", "[\"not-an-id\"]", "[1]", "[\"" + id + "\",\"" + id + "\"]",
                "[" + String.join(",", java.util.Collections.nCopies(11, "\"" + java.util.UUID.randomUUID() + "\"")) + "]"}) {
            assertThat(codec.decode("{\"type\":\"message\",\"clientId\":\"c\",\"text\":\"x\",\"attachments\":" + bad + "}",
                    Side.VISITOR).error()).as(bad).isNotNull().extracting(FrameError::code).isEqualTo(FrameError.INVALID);
        }
    }

    @Test
    void malformedJsonIsBadJson() {
        assertThat(codec.decode("{not json", Side.VISITOR).error().code()).isEqualTo(FrameError.BAD_JSON);
        assertThat(codec.decode("[1,2]", Side.VISITOR).error().code()).isEqualTo(FrameError.BAD_JSON);
    }

    @Test
    void unknownTypeIsRefusedWithItsClientIdAsRef() {
        var e = codec.decode("{\"type\":\"dance\",\"clientId\":\"x9\"}", Side.STAFF).error();
        assertThat(e.code()).isEqualTo(FrameError.UNKNOWN_TYPE);
        assertThat(e.ref()).isEqualTo("x9");
    }

    @Test
    void framesOverSixtyFourKibibytesAreTooLarge() {
        String big = "{\"type\":\"message\",\"clientId\":\"c\",\"text\":\"" + "é".repeat(33_000) + "\"}";
        assertThat(codec.decode(big, Side.VISITOR).error().code()).isEqualTo(FrameError.TOO_LARGE);
    }

    @Test
    void textMustBeOneToFiveThousandCharacters() {
        assertThat(codec.decode("{\"type\":\"message\",\"clientId\":\"c\",\"text\":\"  \"}", Side.VISITOR).error().code())
                .isEqualTo(FrameError.INVALID);
        String tooLong = "{\"type\":\"message\",\"clientId\":\"c\",\"text\":\"" + "a".repeat(5001) + "\"}";
        assertThat(codec.decode(tooLong, Side.VISITOR).error().code()).isEqualTo(FrameError.INVALID);
        String max = "{\"type\":\"message\",\"clientId\":\"c\",\"text\":\"" + "a".repeat(5000) + "\"}";
        assertThat(codec.decode(max, Side.VISITOR).error()).isNull();
    }

    @Test
    void visitorsCannotSendInternalNotesOrStatus() {
        assertThat(codec.decode("{\"type\":\"message\",\"clientId\":\"c\",\"text\":\"x\",\"internal\":true}", Side.VISITOR)
                .error().code()).isEqualTo(FrameError.INVALID);
        assertThat(codec.decode("{\"type\":\"status\",\"status\":\"online\"}", Side.VISITOR).error().code())
                .isEqualTo(FrameError.UNKNOWN_TYPE);
    }

    @Test
    void staffMessageNeedsAConversationId() {
        assertThat(codec.decode("{\"type\":\"message\",\"clientId\":\"c\",\"text\":\"x\"}", Side.STAFF).error().code())
                .isEqualTo(FrameError.INVALID);
    }

    @Test
    void conversationIdThatIsNoUuidCannotExist() {
        assertThat(codec.decode("{\"type\":\"close\",\"conversationId\":\"42\"}", Side.STAFF).error().code())
                .isEqualTo(FrameError.NOT_FOUND);
    }

    @Test
    void resumeAcceptsTheVisitorShapeAndTheStaffCursors() {
        String id = "6f1c1d2e-0000-4000-8000-000000000001";
        var visitor = (ClientFrame.Resume) codec.decode(
                "{\"type\":\"resume\",\"conversationId\":\"" + id + "\",\"lastSeq\":4}", Side.VISITOR).frame();
        assertThat(visitor.cursors()).containsExactly(new ClientFrame.Cursor(id, 4));
        var staff = (ClientFrame.Resume) codec.decode(
                "{\"type\":\"resume\",\"cursors\":[{\"conversationId\":\"" + id + "\",\"lastSeq\":0}]}", Side.STAFF).frame();
        assertThat(staff.cursors()).containsExactly(new ClientFrame.Cursor(id, 0));
        assertThat(codec.decode("{\"type\":\"resume\",\"conversationId\":\"" + id + "\",\"lastSeq\":-1}", Side.VISITOR)
                .error().code()).isEqualTo(FrameError.INVALID);
    }

    @Test
    void rateScoreIsOneToFive() {
        String id = "6f1c1d2e-0000-4000-8000-000000000001";
        assertThat(codec.decode("{\"type\":\"rate\",\"conversationId\":\"" + id + "\",\"score\":6}", Side.VISITOR).error().code())
                .isEqualTo(FrameError.INVALID);
        assertThat(codec.decode("{\"type\":\"rate\",\"conversationId\":\"" + id + "\",\"score\":5}", Side.VISITOR).error()).isNull();
    }

    @Test
    void statusMustBeAKnownOne() {
        assertThat(codec.decode("{\"type\":\"status\",\"status\":\"busy\"}", Side.STAFF).error().code()).isEqualTo(FrameError.INVALID);
        assertThat(codec.decode("{\"type\":\"status\",\"status\":\"break\"}", Side.STAFF).frame())
                .isEqualTo(new ClientFrame.SetStatus("break"));
    }
}
