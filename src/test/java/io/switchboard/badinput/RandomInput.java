package io.switchboard.badinput;

import java.util.List;
import java.util.Random;

/**
 * Seeded generator of hostile input: JSON that is almost right (known frame types and field
 * names with values of every wrong type and size), JSON that is cut short, and text that is
 * not JSON at all. The seed makes a failure reproducible ({@code -Dswitchboard.fuzz.seed=N}).
 */
final class RandomInput {

    static final List<String> FRAME_TYPES = List.of("message", "resume", "typing", "read", "rate", "close", "status",
            "ack", "notice", "", "MESSAGE", "message\u0000");
    static final List<String> FIELDS = List.of("type", "clientId", "text", "conversationId", "lastSeq", "cursors", "seq",
            "score", "comment", "status", "internal", "attachments", "email", "password", "visitorId", "userId", "userHash",
            "name", "attributes", "maxConcurrent", "__proto__", "");

    private final Random random;

    RandomInput(long seed) {
        this.random = new Random(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** A frame-like object, most often with a real type so that the field checks are reached. */
    String frame() {
        return switch (random.nextInt(10)) {
            case 0 -> garbage();
            case 1 -> truncate(object(true));
            case 2 -> value(0);
            default -> object(true);
        };
    }

    /** A REST body: an object with the endpoint's field names and wrong values, or anything else. */
    String body() {
        return switch (random.nextInt(8)) {
            case 0 -> garbage();
            case 1 -> truncate(object(false));
            case 2 -> value(0);
            default -> object(false);
        };
    }

    String object(boolean withType) {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        if (withType && random.nextInt(8) != 0) {
            b.append("\"type\":").append(quote(FRAME_TYPES.get(random.nextInt(FRAME_TYPES.size()))));
            first = false;
        }
        int fields = random.nextInt(6);
        for (int i = 0; i < fields; i++) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(quote(FIELDS.get(random.nextInt(FIELDS.size())))).append(':').append(value(1));
        }
        return b.append('}').toString();
    }

    /** A random frame object that certainly carries the given field (a real id, say). */
    String objectWith(String field, String jsonValue) {
        String o = object(true);
        return "{" + quote(field) + ":" + jsonValue + (o.length() > 2 ? "," : "") + o.substring(1);
    }

    String value(int depth) {
        int kind = random.nextInt(depth > 3 ? 7 : 10);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> Long.toString(random.nextLong());
            case 3 -> List.of("0", "-1", "1e309", "-0.0", "3.5", "99999999999999999999999", "1", "5", "200", "201")
                    .get(random.nextInt(10));
            case 4 -> quote(text());
            case 5 -> quote(java.util.UUID.randomUUID().toString());
            case 6 -> quote("");
            case 7 -> "[" + value(depth + 1) + (random.nextBoolean() ? "," + value(depth + 1) : "") + "]";
            case 8 -> object(false);
            default -> quote(text());
        };
    }

    String text() {
        int len = switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 5001 + random.nextInt(100);
            default -> random.nextInt(40);
        };
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append(switch (random.nextInt(8)) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> List.of("\u20ac", "\u4e2d", "\ud83d\ude00", "\u0301").get(random.nextInt(4));
                case 2 -> ' ';
                default -> (char) ('a' + random.nextInt(26));
            });
        }
        return b.toString();
    }

    String garbage() {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> "[".repeat(1 + random.nextInt(2000));
            case 2 -> "{\"type\":\"message\",\"text\":\"" + "\\u".repeat(3) + "\"}";
            case 3 -> "not json at all " + text();
            case 4 -> "\"just a string\"";
            default -> "{\"type\":" + "{\"a\":".repeat(50) + "1" + "}".repeat(50) + "}";
        };
    }

    private String truncate(String s) {
        return s.isEmpty() ? s : s.substring(0, random.nextInt(s.length()));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
