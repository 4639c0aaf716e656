package io.switchboard.protocol;

import java.util.List;

/**
 * A frame a client sends: a visitor from the widget or a staff member from the console.
 * Which types each side may send is decided by {@link FrameCodec}; the records carry
 * values already validated against PROTOCOL.md.
 */
public sealed interface ClientFrame {

    /**
     * {@code message}: a new message; {@code conversationId} is null for a visitor's first one.
     * {@code attachments} are ids of the sender's uploads, in the order shown (C1); empty for
     * a plain message, whose text is then never empty.
     */
    record SendMessage(String conversationId, String clientId, String text, boolean internal, List<String> attachments)
            implements ClientFrame {

        public SendMessage(String conversationId, String clientId, String text, boolean internal) {
            this(conversationId, clientId, text, internal, List.of());
        }

        public boolean hasAttachments() {
            return !attachments.isEmpty();
        }
    }

    /** {@code resume}: send me everything after these sequence numbers. */
    record Resume(List<Cursor> cursors) implements ClientFrame {}

    record Cursor(String conversationId, long lastSeq) {}

    /** {@code typing}: the sender is typing; conversationId may be null for a visitor. */
    record Typing(String conversationId) implements ClientFrame {}

    /** {@code read}: the sender has read up to {@code seq}. */
    record Read(String conversationId, long seq) implements ClientFrame {}

    /** {@code rate}: satisfaction answer, 1..5. */
    record Rate(String conversationId, int score, String comment) implements ClientFrame {}

    /** {@code close}: end the conversation. */
    record Close(String conversationId) implements ClientFrame {}

    /** {@code status}: a staff member changes their own status. */
    record SetStatus(String status) implements ClientFrame {}

    /** A page the visitor opened (F4): its address, title and referrer, as their browser tells them. */
    record Page(String url, String title, String referrer) implements ClientFrame {}
}
