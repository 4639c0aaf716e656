package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns socket text into {@link ClientFrame}s, refusing anything PROTOCOL.md does not
 * allow with a {@link FrameError}. Pure: no I/O, no state, safe to share.
 */
public final class FrameCodec {

    /** Frames above this many UTF-8 bytes are refused (PROTOCOL.md). */
    public static final int MAX_FRAME_BYTES = 64 * 1024;
    public static final int MAX_TEXT_CHARS = 5000;
    public static final int MAX_CLIENT_ID_CHARS = 100;
    public static final int MAX_COMMENT_CHARS = 1000;
    public static final int MAX_RESUME_CURSORS = 500;
    /** Attachments one message may carry (C1). */
    public static final int MAX_ATTACHMENTS = 10;
    public static final int MAX_URL_CHARS = 2048;
    public static final int MAX_TITLE_CHARS = 300;

    private final ObjectMapper mapper;

    public FrameCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The result of decoding one frame: exactly one of frame and error is set. */
    public record Decoded(ClientFrame frame, FrameError error) {
        static Decoded ok(ClientFrame f) {
            return new Decoded(f, null);
        }

        static Decoded fail(String code, String message, String ref) {
            return new Decoded(null, new FrameError(code, message, ref));
        }
    }

    public Decoded decode(String text, Side side) {
        // Cheap check first: a char is at most 3 UTF-8 bytes, so short frames skip the exact count.
        if (text.length() * 3 > MAX_FRAME_BYTES && text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES) {
            return Decoded.fail(FrameError.TOO_LARGE, "frame exceeds " + MAX_FRAME_BYTES + " bytes", null);
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return Decoded.fail(FrameError.BAD_JSON, "frame is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            return Decoded.fail(FrameError.BAD_JSON, "frame must be a JSON object", null);
        }
        String ref = optText(root, "clientId");
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return Decoded.fail(FrameError.INVALID, "frame needs a string 'type'", ref);
        }
        try {
            rejectNul(root);
            return switch (typeNode.asText()) {
                case "message" -> Decoded.ok(message(root, side));
                case "resume" -> Decoded.ok(resume(root, side));
                case "typing" -> Decoded.ok(new ClientFrame.Typing(conversationId(root, side == Side.STAFF)));
                case "read" -> Decoded.ok(new ClientFrame.Read(conversationId(root, true), nonNegative(root, "seq")));
                case "close" -> Decoded.ok(new ClientFrame.Close(conversationId(root, true)));
                case "rate" -> {
                    if (side != Side.VISITOR) {
                        throw new Invalid(FrameError.UNKNOWN_TYPE, "'rate' is a visitor frame");
                    }
                    yield Decoded.ok(rate(root));
                }
                case "page" -> {
                    if (side != Side.VISITOR) {
                        throw new Invalid(FrameError.UNKNOWN_TYPE, "'page' is a visitor frame");
                    }
                    yield Decoded.ok(page(root));
                }
                case "status" -> {
                    if (side != Side.STAFF) {
                        throw new Invalid(FrameError.UNKNOWN_TYPE, "'status' is a staff frame");
                    }
                    yield Decoded.ok(status(root));
                }
                default -> Decoded.fail(FrameError.UNKNOWN_TYPE, "unknown frame type", ref);
            };
        } catch (Invalid e) {
            return Decoded.fail(e.code, e.getMessage(), ref);
        }
    }

    private ClientFrame.SendMessage message(JsonNode root, Side side) {
        String clientId = requiredText(root, "clientId");
        if (clientId.isBlank() || clientId.length() > MAX_CLIENT_ID_CHARS) {
            throw new Invalid("'clientId' must be 1.." + MAX_CLIENT_ID_CHARS + " characters");
        }
        List<String> attachments = attachments(root);
        // With attachments the text may be empty or left out: a picture needs no words.
        String text = attachments.isEmpty() || root.hasNonNull("text") ? requiredText(root, "text") : "";
        int length = text.codePointCount(0, text.length());
        if ((text.isBlank() && attachments.isEmpty()) || length > MAX_TEXT_CHARS) {
            throw new Invalid("'text' must be 1.." + MAX_TEXT_CHARS + " characters and not blank");
        }
        boolean internal = false;
        JsonNode internalNode = root.get("internal");
        if (internalNode != null && !internalNode.isNull()) {
            if (!internalNode.isBoolean()) {
                throw new Invalid("'internal' must be a boolean");
            }
            if (side == Side.VISITOR && internalNode.asBoolean()) {
                throw new Invalid("visitors cannot send internal notes");
            }
            internal = internalNode.asBoolean();
        }
        return new ClientFrame.SendMessage(conversationId(root, side == Side.STAFF), clientId, text, internal, attachments);
    }

    /** Upload ids (UUIDs), each once, at most {@link #MAX_ATTACHMENTS}; empty when absent. */
    private static List<String> attachments(JsonNode root) {
        JsonNode list = root.get("attachments");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray() || list.size() > MAX_ATTACHMENTS) {
            throw new Invalid("'attachments' must be an array of at most " + MAX_ATTACHMENTS + " ids");
        }
        List<String> ids = new ArrayList<>(list.size());
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw new Invalid("'attachments' must hold attachment ids");
            }
            String id;
            try {
                id = UUID.fromString(n.asText()).toString();
            } catch (IllegalArgumentException e) {
                throw new Invalid("'attachments' must hold attachment ids");
            }
            if (ids.contains(id)) {
                throw new Invalid("'attachments' names an attachment twice");
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    private ClientFrame.Resume resume(JsonNode root, Side side) {
        List<ClientFrame.Cursor> cursors = new ArrayList<>();
        JsonNode list = root.get("cursors");
        if (list != null && !list.isNull()) {
            if (!list.isArray() || list.size() > MAX_RESUME_CURSORS) {
                throw new Invalid("'cursors' must be an array of at most " + MAX_RESUME_CURSORS);
            }
            for (JsonNode c : list) {
                if (!c.isObject()) {
                    throw new Invalid("each cursor must be an object");
                }
                cursors.add(new ClientFrame.Cursor(conversationId(c, true), nonNegative(c, "lastSeq")));
            }
        } else if (root.has("conversationId")) {
            cursors.add(new ClientFrame.Cursor(conversationId(root, true), nonNegative(root, "lastSeq")));
        } else if (side == Side.STAFF) {
            throw new Invalid("'resume' needs 'cursors'");
        }
        return new ClientFrame.Resume(List.copyOf(cursors));
    }

    private ClientFrame.Rate rate(JsonNode root) {
        JsonNode score = root.get("score");
        if (score == null || !score.canConvertToInt() || !score.isIntegralNumber()
                || score.asInt() < 1 || score.asInt() > 5) {
            throw new Invalid("'score' must be an integer 1..5");
        }
        String comment = optText(root, "comment");
        if (comment != null && comment.length() > MAX_COMMENT_CHARS) {
            throw new Invalid("'comment' must be at most " + MAX_COMMENT_CHARS + " characters");
        }
        return new ClientFrame.Rate(conversationId(root, true), score.asInt(), comment);
    }

    /**
     * A page report: an http(s) address is required (anything else, a {@code javascript:} one
     * above all, would become a link in the console); a title is cut to length rather than
     * refused; a referrer that is no web address (an app's, say) is dropped.
     */
    private ClientFrame.Page page(JsonNode root) {
        String url = requiredText(root, "url");
        if (url.length() > MAX_URL_CHARS || !isWebAddress(url)) {
            throw new Invalid("'url' must be an http or https address of at most " + MAX_URL_CHARS + " characters");
        }
        String title = optText(root, "title");
        if (title != null) {
            title = title.strip();
            title = title.isEmpty() ? null : title.length() > MAX_TITLE_CHARS ? title.substring(0, MAX_TITLE_CHARS) : title;
        }
        String referrer = optText(root, "referrer");
        if (referrer != null && (referrer.length() > MAX_URL_CHARS || !isWebAddress(referrer))) {
            referrer = null;
        }
        return new ClientFrame.Page(url, title, referrer);
    }

    private static boolean isWebAddress(String s) {
        try {
            java.net.URI u = java.net.URI.create(s);
            return u.getHost() != null && ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private ClientFrame.SetStatus status(JsonNode root) {
        String status = requiredText(root, "status");
        if (!status.equals("online") && !status.equals("break") && !status.equals("offline")) {
            throw new Invalid("'status' must be online, break or offline");
        }
        return new ClientFrame.SetStatus(status);
    }

    /** Conversation ids are UUIDs; anything else can never match and is refused early. */
    private static String conversationId(JsonNode node, boolean required) {
        String id = optText(node, "conversationId");
        if (id == null) {
            if (required) {
                throw new Invalid("'conversationId' is required");
            }
            return null;
        }
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            throw new Invalid(FrameError.NOT_FOUND, "no such conversation");
        }
    }

    private static long nonNegative(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new Invalid("'" + field + "' must be a non-negative integer");
        }
        return n.asLong();
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isTextual()) {
            throw new Invalid("'" + field + "' must be a string");
        }
        return n.asText();
    }

    /** PostgreSQL text cannot hold U+0000: refuse it here, not as a storage failure later. */
    private static void rejectNul(JsonNode node) {
        if (node.isTextual() && node.textValue().indexOf('\u0000') >= 0) {
            throw new Invalid("text must not contain U+0000");
        }
        if (node.isContainerNode()) {
            node.fieldNames().forEachRemaining(name -> {
                if (name.indexOf('\u0000') >= 0) {
                    throw new Invalid("names must not contain U+0000");
                }
            });
            node.elements().forEachRemaining(FrameCodec::rejectNul);
        }
    }

    private static String optText(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    public ObjectNode object(String type) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", type);
        return node;
    }

    public String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode frame", e);
        }
    }

    private static final class Invalid extends RuntimeException {
        final String code;

        Invalid(String message) {
            this(FrameError.INVALID, message);
        }

        Invalid(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
