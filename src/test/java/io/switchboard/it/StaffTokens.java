package io.switchboard.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static io.switchboard.it.Api.JSON;

/**
 * Staff tokens signed in the test with the key pair the replicas share, as
 * {@code TokenService.staffToken} issues them. A login checks a bcrypt hash on purpose
 * slowly: hundreds of agents logging in would spend most of a test's time there, which
 * the scenarios that need many consoles (ContentionScenario) do not measure.
 */
public final class StaffTokens {

    private final PrivateKey key;

    /** Signs with the private key of the pair in {@code keys} ({@link PackagedApp#keys()}). */
    public StaffTokens(Path keys) {
        this(keys.resolve(PackagedApp.PRIVATE_PEM), true);
    }

    private StaffTokens(Path privatePem, boolean unused) {
        try {
            String pem = Files.readString(privatePem)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the private key " + privatePem, e);
        }
    }

    /** Signs with the PKCS#8 PEM private key in that file, whichever pair it belongs to. */
    static StaffTokens signingWith(Path privatePem) {
        return new StaffTokens(privatePem, true);
    }

    /** An agent's token: what {@code POST /auth/login} would answer for them. */
    String agent(String tenantId, String userId, String email, String name) {
        long now = Instant.now().getEpochSecond();
        var claims = JSON.createObjectNode()
                .put("iss", "switchboard").put("sub", userId).put("upn", email)
                .put("tid", tenantId).put("name", name).put("kind", "staff")
                .put("iat", now).put("exp", now + 3600).put("jti", UUID.randomUUID().toString());
        claims.putArray("groups").add("agent");
        return sign(claims.toString());
    }

    private String sign(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
