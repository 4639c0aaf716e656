package io.switchboard.attachment;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

/** The attachments table (V18): uploads recorded, and read back for a download. */
@ApplicationScoped
class AttachmentStore {

    private final Pool pool;

    AttachmentStore(Pool pool) {
        this.pool = pool;
    }

    Uni<Void> insert(Attachment a) {
        return pool.preparedQuery("""
                        insert into attachments (id, tenant_id, conversation_id, uploader_kind, uploader_id, name, size,
                                                 content_type, blob_key)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
                .execute(Tuple.tuple().addUUID(UUID.fromString(a.id())).addUUID(UUID.fromString(a.tenantId()))
                        .addUUID(a.conversationId() == null ? null : UUID.fromString(a.conversationId()))
                        .addString(a.uploaderKind()).addUUID(UUID.fromString(a.uploaderId())).addString(a.name())
                        .addLong(a.size()).addString(a.contentType()).addString(a.blobKey()))
                .replaceWithVoid();
    }

    /** The attachment of the tenant, with its message's internal flag and its conversation's visitor. */
    Uni<Optional<Attachment>> find(String tenantId, String id) {
        return pool.preparedQuery("""
                        select a.*, coalesce(m.internal, false) as internal, c.visitor_id as conversation_visitor_id
                        from attachments a
                        left join messages m on m.id = a.message_id
                        left join conversations c on c.id = a.conversation_id
                        where a.id = $1 and a.tenant_id = $2""")
                .execute(Tuple.of(UUID.fromString(id), UUID.fromString(tenantId)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(attachment(rows.iterator().next())));
    }

    private static Attachment attachment(Row r) {
        UUID conversation = r.getUUID("conversation_id");
        UUID visitor = r.getUUID("conversation_visitor_id");
        return new Attachment(r.getUUID("id").toString(), r.getUUID("tenant_id").toString(),
                conversation == null ? null : conversation.toString(), r.getString("uploader_kind"),
                r.getUUID("uploader_id").toString(), r.getString("name"), r.getLong("size"), r.getString("content_type"),
                r.getString("blob_key"), r.getLong("message_id"), r.getBoolean("internal"),
                visitor == null ? null : visitor.toString());
    }
}
