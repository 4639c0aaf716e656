package io.switchboard.admin;

import io.switchboard.channel.ChannelKind;
import io.switchboard.common.FieldErrors;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a channel's administration accepts, and how keys and secrets are made. Pure: the
 * resource reads and writes the rows around it.
 */
final class ChannelRules {

    static final int MAX_NAME = 100;
    /**
     * A key is the widget's path segment ({@code /widget/{key}}) and its {@code data-channel}
     * attribute: lower-case letters, digits and dashes, so it needs no escaping anywhere.
     */
    static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{2,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChannelRules() {}

    /** A channel's settings after validation. */
    record Settings(String name, ChannelKind kind, Optional<String> key, UUID groupId) {}

    /**
     * Checks a creation body: name, kind (only kinds with an adapter), key when given, group.
     * Every field error is collected before anything is thrown.
     */
    static Settings forCreate(String name, String kind, String key, String groupId) {
        FieldErrors errors = new FieldErrors();
        String n = name(name, errors);
        ChannelKind k = null;
        if (kind == null) {
            errors.add("kind", "required: " + ChannelKind.creatableList());
        } else {
            Optional<ChannelKind> parsed = ChannelKind.parse(kind);
            if (parsed.isEmpty()) {
                errors.add("kind", "one of: " + ChannelKind.creatableList());
            } else if (!parsed.get().creatable()) {
                errors.add("kind", kind + " channels are not available yet; one of: " + ChannelKind.creatableList());
            } else {
                k = parsed.get();
            }
        }
        Optional<String> kk = key(key, errors);
        UUID g = group(groupId, true, errors);
        errors.throwIfAny();
        return new Settings(n, k, kk, g);
    }

    /** Checks a change: fields left out (null) stay as they are; a channel's kind never changes. */
    static Settings forUpdate(ChannelKind current, String name, String kind, String key, String groupId) {
        FieldErrors errors = new FieldErrors();
        String n = name == null ? null : name(name, errors);
        if (kind != null && !kind.equals(current.wire())) {
            errors.add("kind", "cannot change: create another channel");
        }
        Optional<String> kk = key(key, errors);
        UUID g = group(groupId, false, errors);
        errors.throwIfAny();
        return new Settings(n, current, kk, g);
    }

    private static String name(String name, FieldErrors errors) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty() || n.length() > MAX_NAME) {
            errors.add("name", "required, at most " + MAX_NAME + " characters");
        }
        return n;
    }

    private static Optional<String> key(String key, FieldErrors errors) {
        if (key == null) {
            return Optional.empty();
        }
        if (!KEY.matcher(key).matches()) {
            errors.add("key", "3 to 64 lower-case letters, digits or dashes, starting with a letter or digit");
        }
        return Optional.of(key);
    }

    private static UUID group(String groupId, boolean required, FieldErrors errors) {
        if (groupId == null) {
            if (required) {
                errors.add("groupId", "required: the group whose agents serve the channel");
            }
            return null;
        }
        try {
            return UUID.fromString(groupId);
        } catch (IllegalArgumentException e) {
            errors.add("groupId", "no such group");
            return null;
        }
    }

    /** A key for a channel created without one: "web-" and 16 random hex digits. */
    static String newKey(ChannelKind kind) {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return kind.wire() + "-" + HexFormat.of().formatHex(b);
    }

    /** A channel secret: 256 random bits as 64 hex digits, the HMAC key of signed identities. */
    static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
