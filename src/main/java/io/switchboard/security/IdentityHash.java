package io.switchboard.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Signed customer identity (FEATURES A9): the tenant's backend vouches for a user id
 * with the hex HMAC-SHA256 of that id keyed with the channel secret.
 */
public final class IdentityHash {

    private IdentityHash() {}

    public static String sign(String userId, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time comparison, case-insensitive on the hex digits. */
    public static boolean verify(String userId, String hash, String secret) {
        if (userId == null || hash == null) {
            return false;
        }
        byte[] expected = sign(userId, secret).getBytes(StandardCharsets.US_ASCII);
        byte[] given = hash.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }
}
