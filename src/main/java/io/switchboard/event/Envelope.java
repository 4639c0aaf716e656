package io.switchboard.event;

/**
 * What travels through a Redis channel: an encoded frame, and optionally the id of the
 * one socket that must not receive it (the sender, who already has an ack).
 * Layout: {@code <excludedConnectionId>\n<frame json>}; the id part may be empty.
 */
record Envelope(String excludeConnectionId, String frame) {

    String encode() {
        return (excludeConnectionId == null ? "" : excludeConnectionId) + "\n" + frame;
    }

    static Envelope decode(String payload) {
        int nl = payload.indexOf('\n');
        if (nl < 0) {
            return new Envelope(null, payload);
        }
        String exclude = nl == 0 ? null : payload.substring(0, nl);
        return new Envelope(exclude, payload.substring(nl + 1));
    }
}
