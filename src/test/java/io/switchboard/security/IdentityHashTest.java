package io.switchboard.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityHashTest {

    @Test
    void hashIsHexHmacSha256OfTheUserIdKeyedWithTheSecret() {
        // Reference value computed independently: echo -n user-42 | openssl dgst -sha256 -hmac s3cret
        assertThat(IdentityHash.sign("user-42", "s3cret"))
                .isEqualTo("1136c48073bd2ba64f2a18895ff27ecfa11e24ccd2d86972ace148983668a992");
    }

    @Test
    void verifyAcceptsUpperCaseHexAndRefusesAnythingElse() {
        String hash = IdentityHash.sign("user-42", "s3cret");
        assertThat(IdentityHash.verify("user-42", hash.toUpperCase(), "s3cret")).isTrue();
        assertThat(IdentityHash.verify("user-43", hash, "s3cret")).isFalse();
        assertThat(IdentityHash.verify("user-42", hash, "other")).isFalse();
        assertThat(IdentityHash.verify("user-42", null, "s3cret")).isFalse();
    }
}
