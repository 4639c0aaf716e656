package io.switchboard.attachment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The type of an attachment is judged from its bytes, against an allow-list (C1). */
class AttachmentTypesTest {

    private final AttachmentTypes types = new AttachmentTypes();

    private String typeOf(byte[] bytes, String name) {
        return types.judge(bytes, name).map(AttachmentTypes.Judged::contentType).orElse("refused");
    }

    @Test
    void imagesPdfTextAndOfficeDocumentsAreAllowedAsWhatTheirBytesAre() {
        assertThat(typeOf(Samples.png(), "a.png")).isEqualTo("image/png");
        assertThat(typeOf(Samples.image("jpg"), "a.jpg")).isEqualTo("image/jpeg");
        assertThat(typeOf(Samples.image("gif"), "a.gif")).isEqualTo("image/gif");
        assertThat(typeOf(Samples.webp(), "a.webp")).isEqualTo("image/webp");
        assertThat(typeOf(Samples.pdf(), "invoice.pdf")).isEqualTo("application/pdf");
        assertThat(typeOf(Samples.text("order 1234 arrived broken\n"), "notes.txt")).isEqualTo("text/plain");
        assertThat(typeOf(Samples.docx(), "letter.docx"))
                .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }

    @Test
    void anExecutableNamedPngIsRefused() {
        assertThat(typeOf(Samples.windowsExecutable(), "cat.png")).isEqualTo("refused");
        assertThat(typeOf(Samples.elfExecutable(), "cat.png")).isEqualTo("refused");
    }

    @Test
    void svgAndHtmlAreRefusedWhateverTheirName() {
        assertThat(typeOf(Samples.svg(), "logo.svg")).isEqualTo("refused");
        assertThat(typeOf(Samples.svg(), "logo.png")).isEqualTo("refused");
        assertThat(typeOf(Samples.html(), "page.html")).isEqualTo("refused");
        assertThat(typeOf(Samples.html(), "page.txt")).isEqualTo("refused");
    }

    @Test
    void aNameCannotTurnTextIntoSomethingElse() {
        // Plain bytes named .html stay refused: the name may only narrow what the bytes show, and HTML is not allowed.
        assertThat(typeOf(Samples.text("just words"), "page.html")).isEqualTo("refused");
        // A ZIP without an Office manifest is a ZIP, not allowed, whatever it is called.
        assertThat(typeOf(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0}, "letter.docx")).isEqualTo("refused");
    }

    @Test
    void bytesTikaCannotPlaceAreRefused() {
        byte[] noise = new byte[256];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) (i * 37 + 1);
        }
        assertThat(typeOf(noise, "photo.png")).isEqualTo("refused");
    }

    @Test
    void theNameGetsTheExtensionOfWhatTheBytesAre() {
        assertThat(types.judge(Samples.image("jpg"), "photo.png")).hasValueSatisfying(j -> assertThat(j.name()).isEqualTo("photo.jpg"));
        assertThat(types.judge(Samples.text("hello"), "readme")).hasValueSatisfying(j -> assertThat(j.name()).isEqualTo("readme.txt"));
        assertThat(types.judge(Samples.pdf(), "invoice.pdf")).hasValueSatisfying(j -> assertThat(j.name()).isEqualTo("invoice.pdf"));
    }

    @Test
    void onlyTheAllowedImagesAreShownInline() {
        assertThat(AttachmentTypes.isImage("image/png")).isTrue();
        assertThat(AttachmentTypes.isImage("image/svg+xml")).isFalse();
        assertThat(AttachmentTypes.isImage("application/pdf")).isFalse();
    }
}
