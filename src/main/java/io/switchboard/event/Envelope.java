package io.switchboard.event;

/**
 * What travels through a Redis channel: an encoded frame, optionally the id of the one
 * socket that must not receive it (the sender, who already has an ack), and when it was
 * published (epoch milliseconds, 0 if unknown) so receivers can measure pub/sub lag.
 * Layout: {@code <excludedConnectionId>;<publishedAtMillis>\n<frame json>}; the id part may be
 * empty, and the {@code ;millis} part is absent in envelopes from older replicas.
 */
record Envelope(String excludeConnectionId, String frame, long publishedAt) {

    Envelope(String excludeConnectionId, String frame) {
        this(excludeConnectionId, frame, System.currentTimeMillis());
    }

    String encode() {
        return (excludeConnectionId == null ? "" : excludeConnectionId) + ";" + publishedAt + "\n" + frame;
    }

    static Envelope decode(String payload) {
        int nl = payload.indexOf('\n');
        if (nl < 0) {
            return new Envelope(null, payload, 0);
        }
        String header = payload.substring(0, nl);
        long publishedAt = 0;
        int semi = header.lastIndexOf(';');
        if (semi >= 0) {
            try {
                publishedAt = Long.parseLong(header.substring(semi + 1));
                header = header.substring(0, semi);
            } catch (NumberFormatException e) {
                publishedAt = 0;
            }
        }
        return new Envelope(header.isEmpty() ? null : header, payload.substring(nl + 1), publishedAt);
    }
}
