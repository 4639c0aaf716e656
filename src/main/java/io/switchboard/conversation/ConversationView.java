package io.switchboard.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A conversation as REST clients see it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversationView(String id, String state, String channelId, String groupId, Party visitor, Party assignee,
                               long lastSeq, Instant createdAt, Instant queuedAt, Instant assignedAt,
                               Instant firstAgentReplyAt, Instant lastVisitorMessageAt, Instant lastAgentMessageAt,
                               Instant closedAt, String closeReason, int visitorReadSeq, int agentReadSeq,
                               Integer unread, String preview) {

    public record Party(String id, String name) {}

    static ConversationView of(ConversationRow c) {
        return of(c, null, null);
    }

    /**
     * For lists: {@code unread}, the visitor's messages after the agents' read mark, and
     * {@code preview}, the start of the latest message.
     */
    static ConversationView of(ConversationRow c, Integer unread, String preview) {
        return new ConversationView(c.id(), c.state(), c.channelId(), c.groupId(),
                new Party(c.visitorId(), c.visitorName()),
                c.assigneeId() == null ? null : new Party(c.assigneeId(), c.assigneeName()),
                c.lastSeq(), c.createdAt(), c.queuedAt(), c.assignedAt(), c.firstAgentReplyAt(),
                c.lastVisitorMessageAt(), c.lastAgentMessageAt(), c.closedAt(), c.closeReason(),
                c.visitorReadSeq(), c.agentReadSeq(), unread, preview);
    }
}
