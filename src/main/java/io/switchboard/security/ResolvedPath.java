package io.switchboard.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A request path as the router resolves it, so that a guard judging a path (a flood limit, a
 * CORS opening, a security header) judges the resource that is actually served, whatever the
 * spelling. Without it {@code /api/v1/auth/%6Cogin} or {@code /api/v1//auth/login} reach the
 * login while a guard comparing text sees another path.
 *
 * <p>Resolution, in this order:
 * <ol>
 * <li>every percent escape is decoded once, hex digits in either case ({@code %6C}, {@code %6c}),
 *     the bytes read as UTF-8;</li>
 * <li>matrix parameters ({@code ;name=value} after a segment) are dropped, as JAX-RS matching
 *     ignores them;</li>
 * <li>empty segments ({@code //}) are collapsed, {@code .} segments removed, {@code ..} removes
 *     the segment before it (never climbing above the root, RFC 3986 5.2.4);</li>
 * <li>a trailing slash is dropped: {@code /x/} and {@code /x} are judged alike, since the
 *     REST router serves both from the same method. Use {@link #isUnder} for a prefix.</li>
 * </ol>
 * Decoding everything is deliberately wider than the router, which decodes only some escapes
 * before matching: a guard may then count a request that ends in 404, never miss one that is
 * served.
 *
 * <p>Refused outright (the request gets 400 before any route, see {@link OddPathRefusal}),
 * because no client of this service sends them and each can be read two ways:
 * <ul>
 * <li>an encoded slash or backslash ({@code %2F}, {@code %5C}): one layer takes it as a
 *     separator, another as part of a name;</li>
 * <li>a backslash, which some layers take as a separator;</li>
 * <li>control characters, raw or encoded (including {@code %00});</li>
 * <li>a malformed escape ({@code %G1}, a lone {@code %}) or bytes that are not UTF-8.</li>
 * </ul>
 * Pure: no I/O, JDK only.
 */
public final class ResolvedPath {

    /** The canonical path, or the reason the spelling is refused (then {@code path} is null). */
    public record Resolution(String path, String refusal) {
        public boolean refused() {
            return refusal != null;
        }

        /** True if the canonical path is exactly {@code canonical}. A refused path is nothing. */
        public boolean is(String canonical) {
            return path != null && path.equals(canonical);
        }

        /** True if the canonical path is {@code prefix} itself or lies below it. */
        public boolean isUnder(String prefix) {
            return path != null && (path.equals(prefix) || path.startsWith(prefix + "/"));
        }
    }

    private ResolvedPath() {}

    /** Resolves the path part of a request target (a query or fragment, if present, is ignored). */
    public static Resolution resolve(String raw) {
        if (raw == null || raw.isEmpty()) {
            return new Resolution("/", null);
        }
        int end = raw.length();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        if (end == raw.length() && isPlain(raw)) {
            return new Resolution(raw, null);
        }
        String decoded;
        try {
            decoded = decode(raw, end);
        } catch (Refusal r) {
            return new Resolution(null, r.getMessage());
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            String name = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(name);
        }
        if (segments.isEmpty()) {
            return new Resolution("/", null);
        }
        StringBuilder path = new StringBuilder(decoded.length());
        for (String s : segments) {
            path.append('/').append(s);
        }
        return new Resolution(path.toString(), null);
    }

    /**
     * True if the path is already canonical: it starts with a slash and holds no escape, matrix
     * parameter, backslash, control character, empty or dot segment, nor a trailing slash. Nearly
     * every request's path is, and is then judged without copying it.
     */
    static boolean isPlain(String raw) {
        int n = raw.length();
        if (raw.charAt(0) != '/') {
            return false;
        }
        if (n == 1) {
            return true;
        }
        if (raw.charAt(n - 1) == '/') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c == '%' || c == ';' || c == '\\' || c < 0x20 || c == 0x7f) {
                return false;
            }
            if (c == '/') {
                // The next segment must be neither empty, "." nor "..".
                char next = i + 1 < n ? raw.charAt(i + 1) : '/';
                if (next == '/') {
                    return false;
                }
                if (next == '.') {
                    char after = i + 2 < n ? raw.charAt(i + 2) : '/';
                    if (after == '/' || (after == '.' && (i + 3 >= n || raw.charAt(i + 3) == '/'))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static String decode(String raw, int end) {
        ByteArrayOutputStream bytes = null;
        StringBuilder out = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                throw new Refusal("a backslash in the path");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new Refusal("a control character in the path");
            }
            if (c != '%') {
                if (bytes != null) {
                    out.append(utf8(bytes));
                    bytes = null;
                }
                out.append(c);
                continue;
            }
            if (i + 2 >= end) {
                throw new Refusal("a malformed percent escape in the path");
            }
            int hi = Character.digit(raw.charAt(i + 1), 16);
            int lo = Character.digit(raw.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new Refusal("a malformed percent escape in the path");
            }
            int b = hi << 4 | lo;
            if (b == '/' || b == '\\') {
                throw new Refusal("an encoded slash or backslash in the path");
            }
            if (b < 0x20 || b == 0x7f) {
                throw new Refusal("a control character in the path");
            }
            if (bytes == null) {
                bytes = new ByteArrayOutputStream();
            }
            bytes.write(b);
            i += 2;
        }
        if (bytes != null) {
            out.append(utf8(bytes));
        }
        return out.toString();
    }

    private static String utf8(ByteArrayOutputStream bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new Refusal("percent escapes in the path that are not UTF-8");
        }
    }

    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
