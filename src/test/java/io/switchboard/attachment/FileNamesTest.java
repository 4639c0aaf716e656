package io.switchboard.attachment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A client's file name is made safe to store, show and send back in a header. */
class FileNamesTest {

    @Test
    void onlyTheLastPathSegmentIsKept() {
        assertThat(FileNames.sanitize("C:\\Users\\ann\\Desktop\\invoice.pdf")).isEqualTo("invoice.pdf");
        assertThat(FileNames.sanitize("../../etc/passwd")).isEqualTo("passwd");
    }

    @Test
    void controlAndDirectionCharactersAreDroppedAndHeaderCharactersReplaced() {
        // U+202E would make "gpj.exe" read as "exe.jpg".
        assertThat(FileNames.sanitize("photo\u202Egpj.exe")).isEqualTo("photogpj.exe");
        assertThat(FileNames.sanitize("a\r\nb\u0000.txt")).isEqualTo("ab.txt");
        assertThat(FileNames.sanitize("say \"hi\"; x=1.txt")).isEqualTo("say _hi__ x=1.txt");
    }

    @Test
    void noHiddenOrEmptyNames() {
        assertThat(FileNames.sanitize(".htaccess")).isEqualTo("htaccess");
        assertThat(FileNames.sanitize("...")).isEqualTo("file");
        assertThat(FileNames.sanitize("")).isEqualTo("file");
        assertThat(FileNames.sanitize(null)).isEqualTo("file");
    }

    @Test
    void chineseNamesAreKept() {
        assertThat(FileNames.sanitize("发票 2026.pdf")).isEqualTo("发票 2026.pdf");
    }

    @Test
    void longNamesAreCutAndKeepTheirExtension() {
        String name = FileNames.sanitize("x".repeat(500) + ".pdf");
        assertThat(name).hasSize(FileNames.MAX_CHARS).endsWith(".pdf");
    }

    @Test
    void theExtensionIsReplacedOrAdded() {
        assertThat(FileNames.withExtension("photo.png", ".jpg")).isEqualTo("photo.jpg");
        assertThat(FileNames.withExtension("readme", ".txt")).isEqualTo("readme.txt");
    }
}
