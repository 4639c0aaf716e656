package io.switchboard.conversation;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One conversation as stored, with the names a view needs. */
public record ConversationRow(String id, String tenantId, String channelId, String visitorId, String visitorName,
                              String groupId, String state, String assigneeId, String assigneeName, long lastSeq,
                              Instant createdAt, Instant queuedAt, Instant assignedAt, Instant firstAgentReplyAt,
                              Instant lastVisitorMessageAt, Instant lastAgentMessageAt, Instant closedAt,
                              String closeReason, int visitorReadSeq, int agentReadSeq, String hold) {

    static final String COLUMNS = """
            c.id, c.tenant_id, c.channel_id, c.visitor_id,
            coalesce(v.name, 'Visitor #' || v.display_no) as visitor_name,
            c.group_id, c.state, c.assignee_id, u.name as assignee_name, c.last_seq,
            c.created_at, c.queued_at, c.assigned_at, c.first_agent_reply_at,
            c.last_visitor_message_at, c.last_agent_message_at, c.closed_at, c.close_reason,
            c.visitor_read_seq, c.agent_read_seq, c.hold
            from conversations c
            join visitors v on v.id = c.visitor_id
            left join staff_users u on u.id = c.assignee_id
            """;

    static ConversationRow from(Row r) {
        return new ConversationRow(str(r.getUUID("id")), str(r.getUUID("tenant_id")), str(r.getUUID("channel_id")),
                str(r.getUUID("visitor_id")), r.getString("visitor_name"), str(r.getUUID("group_id")),
                r.getString("state"), str(r.getUUID("assignee_id")), r.getString("assignee_name"),
                r.getInteger("last_seq"), inst(r.getOffsetDateTime("created_at")),
                inst(r.getOffsetDateTime("queued_at")), inst(r.getOffsetDateTime("assigned_at")),
                inst(r.getOffsetDateTime("first_agent_reply_at")), inst(r.getOffsetDateTime("last_visitor_message_at")),
                inst(r.getOffsetDateTime("last_agent_message_at")), inst(r.getOffsetDateTime("closed_at")),
                r.getString("close_reason"), r.getInteger("visitor_read_seq"), r.getInteger("agent_read_seq"),
                r.getString("hold"));
    }

    public boolean isOpen() {
        return "open".equals(state);
    }

    public boolean isQueued() {
        return "queued".equals(state);
    }

    public boolean isClosed() {
        return "closed".equals(state);
    }

    static String str(UUID u) {
        return u == null ? null : u.toString();
    }

    static Instant inst(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
