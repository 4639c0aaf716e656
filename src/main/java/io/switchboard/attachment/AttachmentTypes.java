package io.switchboard.attachment;

import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;

/**
 * Judges what a file is from its bytes (Apache Tika's magic), never from the name or the type
 * the client claims, and allows only what is safe to hand to another person's browser:
 * images, PDF, plain text and office documents. Executables, SVG (it can carry script) and
 * HTML are refused whatever they are called. Pure: no I/O beyond the bytes given.
 */
public final class AttachmentTypes {

    /** Browsers show these in an {@code <img>}; everything else is downloaded. */
    static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    static final Set<String> ALLOWED = Set.of(
            "image/png", "image/jpeg", "image/gif", "image/webp",
            "application/pdf",
            "text/plain", "text/csv",
            // Office Open XML, legacy Office, OpenDocument
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
            "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
            "application/rtf");

    /**
     * What the bytes may show that only the name can tell apart: an Office Open XML package
     * (docx, xlsx, pptx), an OLE2 Office file (doc, xls, ppt), text (CSV). A bare ZIP is no
     * such container: its name cannot make it a document.
     */
    static final Set<String> NARROWED_BY_NAME = Set.of("application/x-tika-ooxml", "application/x-tika-msoffice", "text/plain");

    /** What the file is and the name it is kept under. */
    public record Judged(String contentType, String name) {}

    private final MimeTypes types = MimeTypes.getDefaultMimeTypes();
    private final MediaTypeRegistry registry = types.getMediaTypeRegistry();

    public static boolean isImage(String contentType) {
        return IMAGES.contains(contentType);
    }

    /**
     * The type of the bytes, or empty when it is not allowed. The bytes decide: the name may
     * only narrow a container the bytes show ({@link #NARROWED_BY_NAME}: an Office package is a
     * .docx or .xlsx by its name), never contradict them; bytes Tika cannot place are refused. The
     * name's extension is made to match the type, so a download never carries an extension
     * the operating system would treat as something else.
     */
    public Optional<Judged> judge(byte[] bytes, String safeName) {
        MediaType fromBytes = detect(bytes, null);
        if (fromBytes.equals(MediaType.OCTET_STREAM)) {
            return Optional.empty();
        }
        MediaType refined = detect(bytes, safeName);
        MediaType type = NARROWED_BY_NAME.contains(fromBytes.getBaseType().toString())
                && registry.isSpecializationOf(refined, fromBytes) ? refined : fromBytes;
        String contentType = type.getBaseType().toString();
        if (!ALLOWED.contains(contentType)) {
            return Optional.empty();
        }
        return Optional.of(new Judged(contentType, nameFor(safeName, type)));
    }

    private String nameFor(String safeName, MediaType type) {
        MediaType byName = detect(null, safeName);
        if (byName.equals(type) || registry.isSpecializationOf(type, byName) && !byName.equals(MediaType.OCTET_STREAM)) {
            return safeName;
        }
        try {
            String extension = types.forName(type.toString()).getExtension();
            return extension.isEmpty() ? safeName : FileNames.withExtension(safeName, extension);
        } catch (MimeTypeException e) {
            return safeName;
        }
    }

    private MediaType detect(byte[] bytes, String name) {
        Metadata metadata = new Metadata();
        if (name != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        }
        try {
            return types.detect(bytes == null ? null : new ByteArrayInputStream(bytes), metadata);
        } catch (IOException e) {
            // A byte array does not fail to read.
            throw new UncheckedIOException(e);
        }
    }
}
