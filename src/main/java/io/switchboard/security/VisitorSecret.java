package io.switchboard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret that re-identifies an anonymous visitor (E1). A visitor's id is no credential:
 * staff see it as the sender of every visitor message. The secret is 256 random bits that
 * only the visitor's browser keeps; the server stores its SHA-256 (a slow hash buys nothing
 * against a secret that cannot be guessed) and compares in constant time.
 */
public final class VisitorSecret {

    /** 32 bytes: 256 bits, written as 43 characters of unpadded base64url. */
    static final int BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private VisitorSecret() {}

    /** A new secret, to hand to the browser once per new visitor. */
    public static String generate() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What the server stores for a secret. */
    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * Does the secret a browser presents match the stored hash? False when either is missing:
     * a visitor without a stored hash (created before secrets existed) cannot be re-identified.
     */
    public static boolean matches(String presented, byte[] storedHash) {
        if (presented == null || storedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(presented), storedHash);
    }
}
