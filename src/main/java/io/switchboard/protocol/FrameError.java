package io.switchboard.protocol;

/**
 * Why a frame was refused. The code is part of the public contract (docs/protocol.md);
 * the message is for humans.
 */
public record FrameError(String code, String message, String ref) {

    public static final String BAD_JSON = "bad_json";
    public static final String TOO_LARGE = "too_large";
    public static final String UNKNOWN_TYPE = "unknown_type";
    public static final String INVALID = "invalid";
    public static final String NOT_FOUND = "not_found";
    public static final String FORBIDDEN = "forbidden";
    public static final String CONFLICT = "conflict";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String UNAVAILABLE = "unavailable";
    public static final String INTERNAL = "internal";

    public FrameError(String code, String message) {
        this(code, message, null);
    }

    public FrameError withRef(String newRef) {
        return new FrameError(code, message, newRef);
    }
}
