package io.switchboard.attachment;

import io.smallrye.mutiny.Uni;
import io.switchboard.attachment.blob.BlobStore;
import io.switchboard.common.Problem;
import io.switchboard.common.TooManyRequests;
import io.switchboard.conversation.ConversationAccess;
import io.switchboard.protocol.ServerFrames.AttachmentView;
import io.switchboard.security.Caller;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.UUID;

/**
 * Uploads and downloads of attachments (C1). An upload is judged (size, then type from its
 * bytes), its bytes stored in the blob store, then its row written: a row never points at
 * bytes that are missing. A download answers only those who may read the conversation, and
 * 404 to everyone else, as for an id that does not exist.
 */
@ApplicationScoped
public class AttachmentService {

    private static final Logger LOG = Logger.getLogger(AttachmentService.class);

    /** A file to send: what it is, and its bytes. */
    public record Download(Attachment attachment, byte[] bytes) {}

    private final AttachmentStore store;
    private final BlobStore blobs;
    private final ConversationAccess access;
    private final AttachmentConfig config;
    private final AttachmentTypes types = new AttachmentTypes();
    private final Vertx vertx;
    private final Pool pool;

    AttachmentService(AttachmentStore store, BlobStore blobs, ConversationAccess access, AttachmentConfig config,
                      Vertx vertx, Pool pool) {
        this.store = store;
        this.blobs = blobs;
        this.access = access;
        this.config = config;
        this.vertx = vertx;
        this.pool = pool;
    }

    /** A staff member's upload for a live conversation they may see. */
    public Uni<AttachmentView> uploadByStaff(Caller staff, String conversationId, FileUpload file) {
        checkSize(file);
        return access.visible(staff, conversationId).flatMap(c -> {
            if (c.isClosed()) {
                throw Problem.conflict("conversation is closed");
            }
            return upload(staff, "agent", c.id(), file);
        });
    }

    /** A visitor's upload: theirs alone until a message of theirs carries it into a conversation. */
    public Uni<AttachmentView> uploadByVisitor(Caller visitor, FileUpload file) {
        checkSize(file);
        return upload(visitor, "visitor", null, file);
    }

    private void checkSize(FileUpload file) {
        if (file == null || file.uploadedFile() == null) {
            throw Problem.invalid("file", "required: a multipart/form-data field named 'file'");
        }
        if (file.size() > config.maxSize().asLongValue()) {
            throw tooLarge(config.maxSize().asLongValue());
        }
        if (file.size() == 0) {
            throw Problem.invalid("file", "must not be empty");
        }
    }

    static Problem tooLarge(long limit) {
        return new Problem(413, "Content Too Large", "a file may have at most " + limit + " bytes");
    }

    private Uni<AttachmentView> upload(Caller caller, String uploaderKind, String conversationId, FileUpload file) {
        return recentUploads(caller)
                .flatMap(n -> {
                    if (n >= config.uploadsPerHour()) {
                        throw new TooManyRequests("at most " + config.uploadsPerHour() + " uploads an hour", 600);
                    }
                    return vertx.fileSystem().readFile(file.uploadedFile().toString());
                })
                .flatMap(buffer -> {
                    byte[] bytes = buffer.getBytes();
                    AttachmentTypes.Judged judged = types.judge(bytes, FileNames.sanitize(file.fileName()))
                            .orElseThrow(() -> new Problem(415, "Unsupported Media Type",
                                    "only images (PNG, JPEG, GIF, WebP), PDF, plain text and office documents may be sent"));
                    String id = UUID.randomUUID().toString();
                    Attachment a = new Attachment(id, caller.tenantId(), conversationId, uploaderKind, caller.id(),
                            judged.name(), bytes.length, judged.contentType(), caller.tenantId() + "/" + id, null, false, null);
                    return blobs.put(a.blobKey(), bytes)
                            .flatMap(x -> store.insert(a)
                                    // No row, no bytes: take them back (best effort; a leftover blob has no row and is never served).
                                    .onFailure().call(e -> blobs.delete(a.blobKey()).onFailure().recoverWithNull()))
                            .replaceWith(a.view());
                });
    }

    private Uni<Long> recentUploads(Caller caller) {
        return pool.preparedQuery("""
                        select count(*) as n from attachments
                        where uploader_id = $1 and tenant_id = $2 and created_at > now() - interval '1 hour'""")
                .execute(Tuple.of(UUID.fromString(caller.id()), UUID.fromString(caller.tenantId())))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    /**
     * The file, for staff who may see its conversation (never a visitor's upload not yet
     * sent), and for the visitor of its conversation (not when an internal note carries it)
     * or who uploaded it.
     */
    public Uni<Download> download(Caller caller, String id) {
        return store.find(caller.tenantId(), id)
                .flatMap(found -> {
                    Attachment a = found.orElseThrow(() -> Problem.notFound("attachment"));
                    if (caller.isStaff()) {
                        if (a.conversationId() == null) {
                            throw Problem.notFound("attachment");
                        }
                        return access.visible(caller, a.conversationId())
                                .onFailure(Problem.class).transform(e -> Problem.notFound("attachment"))
                                .replaceWith(a);
                    }
                    boolean uploader = "visitor".equals(a.uploaderKind()) && caller.id().equals(a.uploaderId());
                    boolean recipient = a.sent() && !a.internal() && caller.id().equals(a.conversationVisitorId());
                    if (!uploader && !recipient) {
                        throw Problem.notFound("attachment");
                    }
                    return Uni.createFrom().item(a);
                })
                .flatMap(a -> blobs.get(a.blobKey()).map(bytes -> new Download(a, bytes.orElseThrow(() -> {
                    LOG.warnf("attachment %s has no stored bytes under %s", a.id(), a.blobKey());
                    return Problem.notFound("attachment");
                }))));
    }
}
