package io.switchboard.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * Builds the server-to-client frames of PROTOCOL.md as JSON text. Frames are encoded
 * once by the replica that produces them and travel as text through Redis, so the
 * replica holding the socket writes them without parsing.
 */
public final class ServerFrames {

    /** A message as a recipient sees it. */
    /**
     * @param event for a system line, the kind of the domain event that wrote it ({@code transferred},
     *              {@code transfer_note}, {@code auto_closed}, {@code reassigned}): what clients match on,
     *              never the line's words; null for every other message, and then left out of the JSON
     */
    public record MessageView(String conversationId, long seq, String senderKind, String senderId,
                              String senderName, String text, boolean internal, Instant sentAt,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String event,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AttachmentView> attachments) {

        public MessageView {
            attachments = attachments == null ? List.of() : attachments;
        }

        public MessageView(String conversationId, long seq, String senderKind, String senderId, String senderName,
                           String text, boolean internal, Instant sentAt, String event) {
            this(conversationId, seq, senderKind, senderId, senderName, text, internal, sentAt, event, List.of());
        }

        public MessageView(String conversationId, long seq, String senderKind, String senderId, String senderName,
                           String text, boolean internal, Instant sentAt) {
            this(conversationId, seq, senderKind, senderId, senderName, text, internal, sentAt, null, List.of());
        }

        /** A system line written by the domain event of kind {@code event}. */
        public static MessageView system(String conversationId, long seq, String text, boolean internal, Instant sentAt,
                                         String event) {
            return new MessageView(conversationId, seq, "system", null, null, text, internal, sentAt, event);
        }
    }

    /**
     * A file sent with a message (C1), as clients show it: {@code url} is where staff and the
     * visitor of the conversation fetch it with their token (docs/protocol.md, "Attachments").
     */
    public record AttachmentView(String id, String name, long size, String contentType, String url) {

        public static final String PATH = "/api/v1/attachments/";

        public static AttachmentView of(String id, String name, long size, String contentType) {
            return new AttachmentView(id, name, size, contentType, PATH + id);
        }
    }

    private final FrameCodec codec;

    public ServerFrames(ObjectMapper mapper) {
        this.codec = new FrameCodec(mapper);
    }

    public FrameCodec codec() {
        return codec;
    }

    public String ack(String clientId, String conversationId, long seq) {
        ObjectNode n = codec.object("ack");
        n.put("clientId", clientId);
        n.put("conversationId", conversationId);
        n.put("seq", seq);
        return codec.write(n);
    }

    public String message(MessageView m) {
        ObjectNode n = codec.object("message");
        n.put("conversationId", m.conversationId());
        n.put("seq", m.seq());
        ObjectNode sender = n.putObject("sender");
        sender.put("kind", m.senderKind());
        if (m.senderId() != null) {
            sender.put("id", m.senderId());
        }
        if (m.senderName() != null) {
            sender.put("name", m.senderName());
        }
        n.put("text", m.text());
        if (!m.attachments().isEmpty()) {
            ArrayNode files = n.putArray("attachments");
            for (AttachmentView a : m.attachments()) {
                ObjectNode f = files.addObject();
                f.put("id", a.id());
                f.put("name", a.name());
                f.put("size", a.size());
                f.put("contentType", a.contentType());
                f.put("url", a.url());
            }
        }
        if (m.internal()) {
            n.put("internal", true);
        }
        n.put("sentAt", m.sentAt().toString());
        if (m.event() != null) {
            n.put("event", m.event());
        }
        return codec.write(n);
    }

    public String queued(String conversationId, int position) {
        ObjectNode n = codec.object("queued");
        n.put("conversationId", conversationId);
        n.put("position", position);
        return codec.write(n);
    }

    public String assigned(String conversationId, String agentId, String agentName) {
        ObjectNode n = codec.object("assigned");
        n.put("conversationId", conversationId);
        ObjectNode agent = n.putObject("agent");
        agent.put("id", agentId);
        agent.put("name", agentName);
        return codec.write(n);
    }

    public String closed(String conversationId, String reason) {
        ObjectNode n = codec.object("closed");
        n.put("conversationId", conversationId);
        n.put("reason", reason);
        return codec.write(n);
    }

    public String notice(String conversationId, String code, String text) {
        ObjectNode n = codec.object("notice");
        if (conversationId != null) {
            n.put("conversationId", conversationId);
        }
        n.put("code", code);
        n.put("text", text);
        return codec.write(n);
    }

    public String typing(String conversationId) {
        ObjectNode n = codec.object("typing");
        n.put("conversationId", conversationId);
        return codec.write(n);
    }

    public String read(String conversationId, long seq) {
        ObjectNode n = codec.object("read");
        n.put("conversationId", conversationId);
        n.put("seq", seq);
        return codec.write(n);
    }

    public String status(String status, int load, int maxConcurrent) {
        ObjectNode n = codec.object("status");
        n.put("status", status);
        n.put("load", load);
        n.put("maxConcurrent", maxConcurrent);
        return codec.write(n);
    }

    public String error(FrameError e) {
        ObjectNode n = codec.object("error");
        n.put("code", e.code());
        n.put("message", e.message());
        if (e.ref() != null) {
            n.put("ref", e.ref());
        }
        return codec.write(n);
    }
}
