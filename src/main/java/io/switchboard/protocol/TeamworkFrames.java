package io.switchboard.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The frames of teamwork in a conversation (PROTOCOL.md "Teamwork in a conversation"):
 * transfers (C6), experts (C7) and satisfaction surveys (C8). Kept apart from
 * {@link ServerFrames} so each feature's frames have one home.
 */
public final class TeamworkFrames {

    /** Who a frame names: a staff member or a group. */
    public record Named(String id, String name) {}

    private final FrameCodec codec;

    public TeamworkFrames(FrameCodec codec) {
        this.codec = codec;
    }

    /**
     * {@code assigned} for the agent who receives a transfer: the usual frame plus
     * {@code transfer: {from: {id, name} | null, note}}; {@code from} is null when the
     * conversation was waiting.
     */
    public String assignedByTransfer(String conversationId, Named agent, Named from, String note) {
        ObjectNode n = codec.object("assigned");
        n.put("conversationId", conversationId);
        ObjectNode a = n.putObject("agent");
        a.put("id", agent.id());
        a.put("name", agent.name());
        ObjectNode t = n.putObject("transfer");
        if (from == null) {
            t.putNull("from");
        } else {
            ObjectNode f = t.putObject("from");
            f.put("id", from.id());
            f.put("name", from.name());
        }
        if (note == null) {
            t.putNull("note");
        } else {
            t.put("note", note);
        }
        return codec.write(n);
    }

    /**
     * {@code unassigned} for the staff member who no longer holds the conversation.
     *
     * @param reason {@code transferred}, {@code reassigned} or {@code removed}
     * @param toKind {@code agent} or {@code group}; null leaves {@code to} out
     */
    public String unassigned(String conversationId, String reason, String toKind, Named to) {
        ObjectNode n = codec.object("unassigned");
        n.put("conversationId", conversationId);
        n.put("reason", reason);
        if (toKind != null && to != null) {
            ObjectNode t = n.putObject("to");
            t.put("kind", toKind);
            t.put("id", to.id());
            t.put("name", to.name());
        }
        return codec.write(n);
    }

    /** {@code invited}: the expert was invited into the conversation by {@code by}. */
    public String invited(String conversationId, Named by) {
        ObjectNode n = codec.object("invited");
        n.put("conversationId", conversationId);
        ObjectNode b = n.putObject("by");
        b.put("id", by.id());
        b.put("name", by.name());
        return codec.write(n);
    }

    /** {@code survey}: the visitor is asked to rate the conversation. */
    public String survey(String conversationId) {
        ObjectNode n = codec.object("survey");
        n.put("conversationId", conversationId);
        return codec.write(n);
    }

    /** {@code rated}: the visitor's answer, for the staff of the conversation. */
    public String rated(String conversationId, int score, String comment) {
        ObjectNode n = codec.object("rated");
        n.put("conversationId", conversationId);
        n.put("score", score);
        if (comment == null) {
            n.putNull("comment");
        } else {
            n.put("comment", comment);
        }
        return codec.write(n);
    }
}
