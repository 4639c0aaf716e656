package io.switchboard.security;

import io.switchboard.security.LaunchSafety.KeyInput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a production start refuses, decided from the settings and key texts alone. */
class LaunchSafetyTest {

    private static final Path DEV = Path.of("src/dev/keys");
    private static final Optional<String> GOOD_PASSWORD = Optional.of("a-long-enough-password");

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static KeyPair freshPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static Optional<KeyInput> key(String origin, String text) {
        return Optional.of(KeyInput.read(origin, text));
    }

    private static Optional<KeyInput> dev(String file) throws Exception {
        return key(DEV.resolve(file).toString(), Files.readString(DEV.resolve(file)));
    }

    @Test
    void theFingerprintConstantIsTheDevelopmentPublicKeys() throws Exception {
        String text = Files.readString(DEV.resolve("dev-public.pem"));
        assertThat(LaunchSafety.sha256(LaunchSafety.publicKey(text).getEncoded())).isEqualTo(LaunchSafety.DEV_PUBLIC_KEY_SHA256);
    }

    @Test
    void aFreshPairStarts() throws Exception {
        KeyPair pair = freshPair();
        assertThat(LaunchSafety.refusals(key("pub.pem", pem("PUBLIC KEY", pair.getPublic().getEncoded())),
                key("priv.pem", pem("PRIVATE KEY", pair.getPrivate().getEncoded())), false, GOOD_PASSWORD)).isEmpty();
        assertThat(LaunchSafety.refusals(key("pub.pem", pem("PUBLIC KEY", pair.getPublic().getEncoded())),
                key("priv.pem", pem("PRIVATE KEY", pair.getPrivate().getEncoded())), false, Optional.empty()))
                .as("no first-admin password once the database has its tenant").isEmpty();
    }

    @Test
    void missingKeysAreRefusedNamingTheirSettings() {
        List<String> refusals = LaunchSafety.refusals(Optional.empty(), Optional.empty(), false, GOOD_PASSWORD);
        assertThat(refusals).hasSize(2);
        assertThat(refusals.get(0)).startsWith("JWT_PUBLIC_KEY is not set");
        assertThat(refusals.get(1)).startsWith("JWT_PRIVATE_KEY is not set");
    }

    @Test
    void theDevelopmentPairIsRefusedEitherHalf() throws Exception {
        List<String> both = LaunchSafety.refusals(dev("dev-public.pem"), dev("dev-private.pem"), false, GOOD_PASSWORD);
        assertThat(both).hasSize(2);
        assertThat(both.get(0)).startsWith("JWT_PUBLIC_KEY: src/dev/keys/dev-public.pem is the development key");
        assertThat(both.get(1)).startsWith("JWT_PRIVATE_KEY: src/dev/keys/dev-private.pem is the development key");

        KeyPair pair = freshPair();
        assertThat(LaunchSafety.refusals(dev("dev-public.pem"), key("p", pem("PRIVATE KEY", pair.getPrivate().getEncoded())), false, GOOD_PASSWORD))
                .anyMatch(r -> r.startsWith("JWT_PUBLIC_KEY: src/dev/keys/dev-public.pem is the development key"))
                .anyMatch(r -> r.startsWith("JWT_PRIVATE_KEY does not belong to JWT_PUBLIC_KEY"));
        assertThat(LaunchSafety.refusals(key("p", pem("PUBLIC KEY", pair.getPublic().getEncoded())), dev("dev-private.pem"), false, GOOD_PASSWORD))
                .anyMatch(r -> r.startsWith("JWT_PRIVATE_KEY: src/dev/keys/dev-private.pem is the development key"));
    }

    @Test
    void theDevelopmentKeyIsKnownWhateverItsPemLayout() throws Exception {
        // Same key, re-wrapped at another line length: the check compares the key, not the text.
        String text = Files.readString(DEV.resolve("dev-public.pem"));
        byte[] der = LaunchSafety.publicKey(text).getEncoded();
        String rewrapped = "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        assertThat(LaunchSafety.refusals(key("x", rewrapped), dev("dev-private.pem"), false, GOOD_PASSWORD)).hasSize(2);
    }

    @Test
    void aPrivateKeyOfAnotherPairIsRefused() throws Exception {
        KeyPair one = freshPair();
        KeyPair other = freshPair();
        assertThat(LaunchSafety.refusals(key("pub.pem", pem("PUBLIC KEY", one.getPublic().getEncoded())),
                key("priv.pem", pem("PRIVATE KEY", other.getPrivate().getEncoded())), false, GOOD_PASSWORD))
                .containsExactly("JWT_PRIVATE_KEY does not belong to JWT_PUBLIC_KEY: tokens this replica signs would not verify");
    }

    @Test
    void placeholdersAndUnreadableKeysAreRefused() {
        String placeholder = "-----BEGIN PUBLIC KEY-----\nREPLACE-ME\n-----END PUBLIC KEY-----\n";
        List<String> refusals = LaunchSafety.refusals(key("/etc/switchboard/jwt/public.pem", placeholder),
                Optional.of(KeyInput.failed("/etc/switchboard/jwt/private.pem", "no such file")), false, GOOD_PASSWORD);
        assertThat(refusals).containsExactly(
                "JWT_PUBLIC_KEY: /etc/switchboard/jwt/public.pem holds no RSA public key in PEM (BEGIN PUBLIC KEY)",
                "JWT_PRIVATE_KEY: cannot read /etc/switchboard/jwt/private.pem (no such file)");
    }

    @Test
    void remoteOrJsonKeysAreLeftToTheTokenLibrary() throws Exception {
        KeyPair pair = freshPair();
        assertThat(LaunchSafety.refusals(Optional.of(KeyInput.unchecked("https://idp.example/jwks.json")),
                key("p", pem("PRIVATE KEY", pair.getPrivate().getEncoded())), false, GOOD_PASSWORD)).isEmpty();
    }

    @Test
    void theDemoIsRefusedNamingItsSetting() throws Exception {
        KeyPair pair = freshPair();
        assertThat(LaunchSafety.refusals(key("a", pem("PUBLIC KEY", pair.getPublic().getEncoded())),
                key("b", pem("PRIVATE KEY", pair.getPrivate().getEncoded())), true, GOOD_PASSWORD))
                .singleElement().asString().startsWith("DEMO=true");
    }

    @Test
    void aPlaceholderOrShortAdminPasswordIsRefused() {
        for (String weak : List.of("change-me", "change-me-now", "REPLACE-ME", "REPLACE-ME-with-a-long-one", "short-pass1")) {
            assertThat(LaunchSafety.weak(weak)).as(weak).isTrue();
        }
        assertThat(LaunchSafety.weak("correct horse battery staple")).isFalse();
        assertThat(LaunchSafety.refusals(Optional.empty(), Optional.empty(), false, Optional.of("change-me")))
                .anyMatch(r -> r.startsWith("BOOTSTRAP_ADMIN_PASSWORD is a placeholder or shorter than 12 characters"));
    }

    @Test
    void aFaultHookIsRefusedUnlessTheFaultsProfileIsActive() {
        Optional<String> hook = Optional.of("halt here");
        assertThat(LaunchSafety.faultRefusals(hook, List.of("prod")))
                .singleElement().asString().contains("switchboard.faults.halt-after-commit-text");
        assertThat(LaunchSafety.faultRefusals(hook, List.of("staging"))).hasSize(1);
        assertThat(LaunchSafety.faultRefusals(hook, List.of("prod", "faults"))).isEmpty();
        assertThat(LaunchSafety.faultRefusals(Optional.empty(), List.of("prod"))).isEmpty();
        assertThat(LaunchSafety.faultRefusals(Optional.of(""), List.of("prod"))).isEmpty();
    }
}
