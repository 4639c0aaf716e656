package io.switchboard.security;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VisitorSecretTest {

    @Test
    void secretsCarry256RandomBitsInUrlSafeText() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String s = VisitorSecret.generate();
            assertThat(s).hasSize(43).matches("[A-Za-z0-9_-]+");
            assertThat(seen.add(s)).isTrue();
        }
    }

    @Test
    void onlyTheSecretItselfMatchesItsHash() {
        String secret = VisitorSecret.generate();
        byte[] stored = VisitorSecret.hash(secret);
        assertThat(stored).hasSize(32);
        assertThat(VisitorSecret.matches(secret, stored)).isTrue();
        assertThat(VisitorSecret.matches(VisitorSecret.generate(), stored)).isFalse();
        assertThat(VisitorSecret.matches(secret.substring(1), stored)).isFalse();
        assertThat(VisitorSecret.matches(null, stored)).isFalse();
        assertThat(VisitorSecret.matches(secret, null)).as("a visitor from before secrets").isFalse();
    }
}
