package io.switchboard.conversation;

import io.switchboard.protocol.ServerFrames.AttachmentView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * The attachments a message carries (C1), as stored with it in {@code messages.attachments}
 * (V18): a JSON array of {@code {id, name, size, contentType}}, null for a plain message.
 */
final class MessageAttachments {

    /**
     * The part of an append that carries attachments, shared by the visitor's and the staff
     * member's statement: {@code claimed} locks the sender's unsent uploads the frame names
     * ({@code %1$s} narrows them to the sender, {@code %2$s} is the parameter with the ids),
     * so two messages naming one upload cannot both take it: the second waits for the first
     * and then finds it sent.
     */
    static final String CLAIMED = """
            claimed as (
              select a.id, a.name, a.size, a.content_type from attachments a
              where a.id = any(%2$s) and a.tenant_id = $2 and a.message_id is null and %1$s
              for update
            ), """;

    /** The bump's extra condition: every upload named was claimed, or nothing is stored. */
    static final String ALL_CLAIMED = " and (select count(*) from claimed) = cardinality(%s)";

    /** The value of messages.attachments for the new message, in the order the frame named them. */
    static final String AS_JSON = """
            (select jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'size', c.size, 'contentType', c.content_type)
               order by array_position(%s, c.id)) from claimed c)""";

    /** Links the uploads to the message that carried them (and a visitor's to the conversation). */
    static final String LINKED = """
            , linked as (
              update attachments a set message_id = ins.id, conversation_id = $1 from ins where a.id = any(%s)
            )""";

    private MessageAttachments() {}

    /** The attachments of a row's {@code attachments} column; empty when the row has none or no such column. */
    static List<AttachmentView> of(Row r) {
        if (r.getColumnIndex("attachments") < 0) {
            return List.of();
        }
        Object value = r.getValue("attachments");
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            return List.of();
        }
        List<AttachmentView> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonObject a = array.getJsonObject(i);
            out.add(AttachmentView.of(a.getString("id"), a.getString("name"), a.getLong("size"), a.getString("contentType")));
        }
        return List.copyOf(out);
    }
}
