package io.switchboard.attachment;

import io.switchboard.protocol.ServerFrames.AttachmentView;

/**
 * A stored upload (V18). {@code conversationId} is null for a visitor's upload not yet sent;
 * {@code messageId} is null until a message carries it, and {@code internal} says whether
 * that message is an internal note (C7), which the visitor never reads.
 */
public record Attachment(String id, String tenantId, String conversationId, String uploaderKind, String uploaderId,
                  String name, long size, String contentType, String blobKey, Long messageId, boolean internal,
                  String conversationVisitorId) {

    AttachmentView view() {
        return AttachmentView.of(id, name, size, contentType);
    }

    boolean sent() {
        return messageId != null;
    }
}
