package io.switchboard.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The per-account login rule: failed logins to one account are counted from every address
 * together (an attacker rotating addresses gains nothing), in a window that opens with the
 * first failure; once the count reaches the limit every login to that account, right password
 * or not, is refused until the window ends. The account is named by the email as typed,
 * normalised, whether or not such a user exists, so an unknown email is counted and answered
 * exactly like a known one and the answer tells nothing about which emails exist.
 *
 * <p>A successful login does not reset the count: only the window's end does. So the owner
 * logging in now and then never reopens room for a guesser, and the guesses against an account
 * stay bounded by the limit per window whatever happens.
 */
public final class AccountLockout {

    private AccountLockout() {}

    /**
     * The account part of the Redis key: a SHA-256 of the email trimmed and lower-cased (as the
     * login's lookup compares it), so that spellings of one email share a count, the key length
     * is bounded, and Redis holds no email addresses.
     */
    public static String accountOf(String email) {
        String normal = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normal.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Whether a login to the account may be checked now.
     *
     * @param failures        failed logins counted in the account's current window
     * @param millisLeft      the window's remaining time (Redis PTTL: negative if it has none)
     * @param limit           failures allowed per window
     * @param windowMillis    the window's length, used when the remaining time is unknown
     */
    public static FixedWindow.Decision decide(long failures, long millisLeft, int limit, long windowMillis) {
        if (failures < limit) {
            return FixedWindow.Decision.ALLOW;
        }
        long wait = millisLeft > 0 ? millisLeft : windowMillis;
        return new FixedWindow.Decision(false, Math.max(1, (wait + 999) / 1000));
    }
}
