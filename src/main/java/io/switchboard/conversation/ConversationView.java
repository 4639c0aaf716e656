package io.switchboard.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A conversation as REST clients see it.
 *
 * <p>Teamwork (C6-C8): {@code participants}, {@code rating} and {@code transfers} are filled in
 * where a view reads them (the conversation, and {@code rating} in lists). {@code rating} is an
 * Optional because the contract wants an explicit {@code null} for "not rated" while views that
 * did not read it leave it out: an empty Optional is written as null, an absent one not at all.
 * Lists show the score, the conversation itself {@code {score, comment, at}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversationView(String id, String state, String channelId, String groupId, Party visitor, Party assignee,
                               long lastSeq, Instant createdAt, Instant queuedAt, Instant assignedAt,
                               Instant firstAgentReplyAt, Instant lastVisitorMessageAt, Instant lastAgentMessageAt,
                               Instant closedAt, String closeReason, int visitorReadSeq, int agentReadSeq,
                               Integer unread, String preview, List<PreviewFile> previewAttachments,
                               List<Participants.Expert> participants,
                               Optional<Object> rating, Integer transfers, Boolean starred) {

    public record Party(String id, String name) {}

    /** A file the latest message carries, for a list's preview: "[Image]", "[File] name" (C1). */
    public record PreviewFile(String name, String contentType) {

        /** The files of a message's {@code attachments} column (V18), as a preview shows them; null when none. */
        public static List<PreviewFile> listOf(Object attachments) {
            if (!(attachments instanceof JsonArray files) || files.isEmpty()) {
                return null;
            }
            List<PreviewFile> out = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                if (files.getValue(i) instanceof JsonObject f) {
                    out.add(new PreviewFile(f.getString("name"), f.getString("contentType")));
                }
            }
            return out;
        }
    }

    static ConversationView of(ConversationRow c) {
        return of(c, null, null);
    }

    /**
     * For lists: {@code unread}, the visitor's messages after the agents' read mark, and
     * {@code preview}, the start of the latest message ({@code previewAttachments}: its files, if any).
     */
    static ConversationView of(ConversationRow c, Integer unread, String preview) {
        return new ConversationView(c.id(), c.state(), c.channelId(), c.groupId(),
                new Party(c.visitorId(), c.visitorName()),
                c.assigneeId() == null ? null : new Party(c.assigneeId(), c.assigneeName()),
                c.lastSeq(), c.createdAt(), c.queuedAt(), c.assignedAt(), c.firstAgentReplyAt(),
                c.lastVisitorMessageAt(), c.lastAgentMessageAt(), c.closedAt(), c.closeReason(),
                c.visitorReadSeq(), c.agentReadSeq(), unread, preview, null, null, null, null, null);
    }

    /** A list row whose latest message carries files: what they are, in the order sent (C1). */
    ConversationView withPreviewAttachments(List<PreviewFile> files) {
        return new ConversationView(id, state, channelId, groupId, visitor, assignee, lastSeq, createdAt, queuedAt, assignedAt,
                firstAgentReplyAt, lastVisitorMessageAt, lastAgentMessageAt, closedAt, closeReason, visitorReadSeq,
                agentReadSeq, unread, preview, files == null || files.isEmpty() ? null : List.copyOf(files), participants,
                rating, transfers, starred);
    }

    /** A list row with its rating's score (null while unrated). */
    ConversationView withScore(Integer score) {
        return new ConversationView(id, state, channelId, groupId, visitor, assignee, lastSeq, createdAt, queuedAt, assignedAt,
                firstAgentReplyAt, lastVisitorMessageAt, lastAgentMessageAt, closedAt, closeReason, visitorReadSeq,
                agentReadSeq, unread, preview, previewAttachments, participants, Optional.ofNullable(score), transfers, starred);
    }

    /** The conversation with its experts, rating ({score, comment, at} or null) and number of transfers. */
    ConversationView withTeamwork(List<Participants.Expert> experts, Surveys.Rating rated, int transferCount) {
        return new ConversationView(id, state, channelId, groupId, visitor, assignee, lastSeq, createdAt, queuedAt, assignedAt,
                firstAgentReplyAt, lastVisitorMessageAt, lastAgentMessageAt, closedAt, closeReason, visitorReadSeq,
                agentReadSeq, unread, preview, previewAttachments, experts, Optional.ofNullable(rated), transferCount, starred);
    }

    /** Whether the caller starred it (C3): lists and the conversation itself say so; other views leave it out. */
    ConversationView withStarred(boolean starredByCaller) {
        return new ConversationView(id, state, channelId, groupId, visitor, assignee, lastSeq, createdAt, queuedAt, assignedAt,
                firstAgentReplyAt, lastVisitorMessageAt, lastAgentMessageAt, closedAt, closeReason, visitorReadSeq,
                agentReadSeq, unread, preview, previewAttachments, participants, rating, transfers, starredByCaller);
    }
}
