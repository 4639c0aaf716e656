package io.switchboard.conversation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message with attachments runs its own append statement, built from the plain one (C1); a
 * plain message, nearly all of them, runs exactly what it ran before: nothing about
 * attachments costs it a lock, a join or a column.
 */
class AttachmentAppendStatementsTest {

    @Test
    void thePlainAppendsDoNotTouchAttachments() {
        for (String plain : new String[] {MessageStore.START_WITH_MESSAGE, plainVisitor(), plainStaff()}) {
            assertThat(plain).doesNotContain("attachments").doesNotContain("for update");
        }
    }

    @Test
    void theAppendsWithAttachmentsClaimCheckStoreAndLinkTheUploads() {
        assertThat(MessageStore.APPEND_BY_VISITOR_WITH_ATTACHMENTS)
                .contains("claimed as (", "for update", "= cardinality($7)", "linked as (", "m.attachments",
                        "a.uploader_kind = 'visitor' and a.uploader_id = $3");
        assertThat(MessageStore.APPEND_BY_STAFF_WITH_ATTACHMENTS)
                .contains("claimed as (", "for update", "= cardinality($9)", "linked as (", "m.attachments",
                        "a.uploader_kind = 'agent' and a.uploader_id = $3 and a.conversation_id = $1");
    }

    private static String plainVisitor() {
        return field("APPEND_BY_VISITOR");
    }

    private static String plainStaff() {
        return field("APPEND_BY_STAFF");
    }

    private static String field(String name) {
        try {
            var f = MessageStore.class.getDeclaredField(name);
            f.setAccessible(true);
            return (String) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
