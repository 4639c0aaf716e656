package io.switchboard.security;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a production start must refuse: no token keys, the development key pair (its private
 * half is in the source repository, so anyone could mint an admin token), a private key that
 * does not belong to the public one, the demo team (published passwords), and a placeholder
 * first-admin password. Pure: the caller reads the settings and keys and acts on the answer.
 * Each refusal names the setting an operator has to change.
 */
public final class LaunchSafety {

    /**
     * SHA-256 of the DER (SubjectPublicKeyInfo) of the development public key,
     * {@code src/dev/keys/dev-public.pem}. A constant, so that recognising the pair needs no
     * copy of it in the packaged application.
     */
    static final String DEV_PUBLIC_KEY_SHA256 = "4343e5048d195fcf146069bce0de484b18a157fd1c5598b31e5009fd8dbf07d1";

    public static final String PUBLIC_KEY = "JWT_PUBLIC_KEY";
    public static final String PRIVATE_KEY = "JWT_PRIVATE_KEY";
    public static final String DEMO = "DEMO";
    public static final String ADMIN_PASSWORD = "BOOTSTRAP_ADMIN_PASSWORD";

    /** The shortest first-admin password accepted in production. */
    static final int MIN_ADMIN_PASSWORD = 12;
    /** Values shipped in examples and manifests (and the dev default): never a real password. */
    private static final Set<String> PLACEHOLDERS = Set.of("change-me", "change-me-now", "changeme", "password", "admin");

    private LaunchSafety() {}

    /**
     * A configured key as the start-up read it.
     *
     * @param origin where it came from (a path, a URL, "inline"), for the message
     * @param text   its content; null when it is not checked here (a remote JWKS URL, a JWK)
     * @param unreadable why it could not be read, or null
     */
    public record KeyInput(String origin, String text, String unreadable) {
        public static KeyInput read(String origin, String text) {
            return new KeyInput(origin, text, null);
        }

        public static KeyInput unchecked(String origin) {
            return new KeyInput(origin, null, null);
        }

        public static KeyInput failed(String origin, String why) {
            return new KeyInput(origin, null, why);
        }
    }

    /** Every reason to refuse the start, empty when it may go ahead. */
    public static List<String> refusals(Optional<KeyInput> publicKey, Optional<KeyInput> privateKey,
                                        boolean demo, Optional<String> adminPassword) {
        List<String> out = new ArrayList<>();
        RSAPublicKey pub = null;
        RSAPrivateKey priv = null;
        if (publicKey.isEmpty()) {
            out.add(PUBLIC_KEY + " is not set: give the path of the PEM public key every replica verifies tokens with");
        } else if (publicKey.get().unreadable() != null) {
            out.add(PUBLIC_KEY + ": cannot read " + publicKey.get().origin() + " (" + publicKey.get().unreadable() + ")");
        } else if (pem(publicKey.get().text())) {
            try {
                pub = publicKey(publicKey.get().text());
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                out.add(PUBLIC_KEY + ": " + publicKey.get().origin() + " holds no RSA public key in PEM (BEGIN PUBLIC KEY)");
            }
            if (pub != null && isDevKey(pub)) {
                out.add(PUBLIC_KEY + ": " + publicKey.get().origin() + " is the development key, whose private half is published"
                        + " with the source code: generate your own pair (docs/operations.md, Security)");
            }
        }
        if (privateKey.isEmpty()) {
            out.add(PRIVATE_KEY + " is not set: give the path of the PEM private key every replica signs tokens with");
        } else if (privateKey.get().unreadable() != null) {
            out.add(PRIVATE_KEY + ": cannot read " + privateKey.get().origin() + " (" + privateKey.get().unreadable() + ")");
        } else if (pem(privateKey.get().text())) {
            try {
                priv = privateKey(privateKey.get().text());
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                out.add(PRIVATE_KEY + ": " + privateKey.get().origin() + " holds no RSA private key in PKCS#8 PEM (BEGIN PRIVATE KEY)");
            }
            if (priv != null && isDevKey(priv)) {
                out.add(PRIVATE_KEY + ": " + privateKey.get().origin() + " is the development key, published with the source"
                        + " code: anyone could sign tokens for any tenant; generate your own pair (docs/operations.md, Security)");
            }
        }
        if (pub != null && priv != null && !pub.getModulus().equals(priv.getModulus())) {
            out.add(PRIVATE_KEY + " does not belong to " + PUBLIC_KEY + ": tokens this replica signs would not verify");
        }
        if (demo) {
            out.add(DEMO + "=true seeds a demo tenant whose staff share a published password: unset " + DEMO + " in production");
        }
        adminPassword.filter(LaunchSafety::weak).ifPresent(p -> out.add(ADMIN_PASSWORD
                + " is a placeholder or shorter than " + MIN_ADMIN_PASSWORD + " characters: set a real one for the first admin"));
        return out;
    }

    /**
     * A fault hook (io.switchboard.operations.Faults) halts the replica on purpose; it exists for
     * the integration tests. A launch with one set is refused unless the {@code faults} profile
     * is active too ({@code QUARKUS_PROFILE=prod,faults}), which no production manifest names: a
     * hook left behind in an environment file must not take a replica down in production.
     */
    public static List<String> faultRefusals(Optional<String> haltAfterCommitText, List<String> profiles) {
        return faultRefusals(java.util.Map.of(FAULT_HALT_AFTER_COMMIT, haltAfterCommitText), profiles);
    }

    /** The same for every hook given, by its setting's name. */
    public static List<String> faultRefusals(java.util.Map<String, Optional<String>> hooks, List<String> profiles) {
        if (profiles.contains(FAULTS_PROFILE)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        hooks.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(hook -> {
            if (hook.getValue().filter(t -> !t.isEmpty()).isPresent()) {
                out.add(hook.getKey() + " is a fault hook for tests that halts this replica after a commit:"
                        + " unset it in production (it is honoured only under the '" + FAULTS_PROFILE + "' profile)");
            }
        });
        return out;
    }

    /** Named here as well as in Faults so that this class stays free of CDI beans. */
    static final String FAULT_HALT_AFTER_COMMIT = "switchboard.faults.halt-after-commit-text";
    static final String FAULT_HALT_AFTER_EVENT = "switchboard.faults.halt-after-event-kind";
    static final String FAULTS_PROFILE = "faults";

    static boolean weak(String password) {
        String p = password.trim().toLowerCase(Locale.ROOT);
        return p.length() < MIN_ADMIN_PASSWORD || PLACEHOLDERS.contains(p) || p.contains("replace-me");
    }

    /** Only PEM is judged here; a JWK or JWKS (JSON) is left to the token library. */
    private static boolean pem(String text) {
        return text != null && !text.stripLeading().startsWith("{");
    }

    static RSAPublicKey publicKey(String pem) throws GeneralSecurityException {
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem)));
    }

    static RSAPrivateKey privateKey(String pem) throws GeneralSecurityException {
        return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem)));
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z0-9 ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    static boolean isDevKey(RSAPublicKey key) {
        return DEV_PUBLIC_KEY_SHA256.equals(sha256(key.getEncoded()));
    }

    /** A private key is the dev one when the public key it pairs with is. */
    static boolean isDevKey(RSAPrivateKey key) {
        BigInteger exponent = key instanceof RSAPrivateCrtKey crt ? crt.getPublicExponent() : BigInteger.valueOf(65537);
        try {
            RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), exponent));
            return isDevKey(pub);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
