package io.switchboard.attachment;

import java.text.Normalizer;

/**
 * Makes the name a client gave a file safe to store, show and send back in a
 * Content-Disposition header. Pure.
 */
public final class FileNames {

    /** Code points kept of a name; longer names keep their extension. */
    static final int MAX_CHARS = 200;
    static final String FALLBACK = "file";
    private static final int MAX_EXTENSION_CHARS = 16;

    private FileNames() {}

    /**
     * The last path segment only (a browser may send a full Windows path), in NFC; control
     * and formatting characters dropped (a right-to-left override would make "gpj.exe" read
     * "exe.jpg"), characters that mean something to file systems or headers replaced by
     * {@code _}, no leading or trailing dots or spaces (no hidden files, no ".."), at most
     * {@link #MAX_CHARS} code points. Never empty.
     */
    public static String sanitize(String raw) {
        if (raw == null) {
            return FALLBACK;
        }
        String name = raw;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (slash >= 0) {
            name = name.substring(slash + 1);
        }
        name = Normalizer.normalize(name, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE || type == Character.UNASSIGNED) {
                return;
            }
            if ("\"<>:*?|;%".indexOf(cp) >= 0) {
                out.append('_');
            } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                out.append(' ');
            } else {
                out.appendCodePoint(cp);
            }
        });
        String cleaned = trimDotsAndSpaces(out.toString());
        if (cleaned.codePointCount(0, cleaned.length()) > MAX_CHARS) {
            String ext = extension(cleaned);
            String stem = cleaned.substring(0, cleaned.length() - ext.length());
            int keep = MAX_CHARS - ext.codePointCount(0, ext.length());
            stem = stem.substring(0, stem.offsetByCodePoints(0, Math.max(1, keep)));
            cleaned = trimDotsAndSpaces(stem) + ext;
        }
        return cleaned.isEmpty() || cleaned.startsWith(".") ? FALLBACK + cleaned : cleaned;
    }

    /** The name with its extension replaced (or one added): {@code photo.png} as JPEG is {@code photo.jpg}. */
    public static String withExtension(String name, String extension) {
        String ext = extension(name);
        String stem = name.substring(0, name.length() - ext.length());
        return (stem.isEmpty() ? FALLBACK : stem) + extension;
    }

    /** {@code .pdf} of {@code a.pdf}; empty when there is none (or it is implausibly long). */
    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.length() - dot > MAX_EXTENSION_CHARS + 1 || name.indexOf(' ', dot) >= 0) {
            return "";
        }
        return name.substring(dot);
    }

    private static String trimDotsAndSpaces(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == '.' || s.charAt(from) == ' ')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == '.' || s.charAt(to - 1) == ' ')) {
            to--;
        }
        return s.substring(from, to);
    }
}
