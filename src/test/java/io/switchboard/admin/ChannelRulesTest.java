package io.switchboard.admin;

import io.switchboard.channel.ChannelKind;
import io.switchboard.common.Problem;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What channel administration accepts, decided without a database. */
class ChannelRulesTest {

    private static final String GROUP = UUID.randomUUID().toString();

    private static Problem refused(Runnable r) {
        try {
            r.run();
        } catch (Problem p) {
            return p;
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void aWebChannelWithNameAndGroupIsAccepted() {
        ChannelRules.Settings s = ChannelRules.forCreate("  Shop ", "web", null, GROUP);
        assertThat(s.name()).isEqualTo("Shop");
        assertThat(s.kind()).isEqualTo(ChannelKind.WEB);
        assertThat(s.key()).isEmpty();
        assertThat(s.groupId()).hasToString(GROUP);
    }

    @Test
    void onlyKindsWithAnAdapterCanBeCreated() {
        assertThat(refused(() -> ChannelRules.forCreate("x", "wechat", null, GROUP)).errors())
                .singleElement().satisfies(e -> assertThat(e.message()).isEqualTo("wechat channels are not available yet; one of: web"));
        assertThat(refused(() -> ChannelRules.forCreate("x", "api", null, GROUP)).errors().get(0).field()).isEqualTo("kind");
        assertThat(refused(() -> ChannelRules.forCreate("x", "WEB", null, GROUP)).errors().get(0).message()).isEqualTo("one of: web");
        assertThat(refused(() -> ChannelRules.forCreate("x", null, null, GROUP)).errors().get(0).message()).startsWith("required");
    }

    @Test
    void everyFieldErrorIsReportedAtOnce() {
        Problem p = refused(() -> ChannelRules.forCreate(" ", "fax", "No Spaces!", "not-a-uuid"));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.errors()).extracting(Problem.FieldError::field).containsExactly("name", "kind", "key", "groupId");
        assertThat(refused(() -> ChannelRules.forCreate("x".repeat(101), "web", null, GROUP)).errors().get(0).field()).isEqualTo("name");
    }

    @Test
    void keysAreUrlSafe() {
        for (String ok : new String[] {"web", "demo-web", "shop-eu-2", "a".repeat(64)}) {
            assertThat(ChannelRules.KEY.matcher(ok).matches()).as(ok).isTrue();
        }
        for (String bad : new String[] {"ab", "-web", "Web", "web/1", "web key", "a".repeat(65), "wéb"}) {
            assertThat(ChannelRules.KEY.matcher(bad).matches()).as(bad).isFalse();
        }
    }

    @Test
    void aChangeKeepsWhatIsLeftOutAndNeverChangesTheKind() {
        ChannelRules.Settings s = ChannelRules.forUpdate(ChannelKind.WEB, null, null, null, null);
        assertThat(s.name()).isNull();
        assertThat(s.key()).isEmpty();
        assertThat(s.groupId()).isNull();
        assertThat(ChannelRules.forUpdate(ChannelKind.WEB, null, "web", null, null).kind()).isEqualTo(ChannelKind.WEB);
        assertThat(refused(() -> ChannelRules.forUpdate(ChannelKind.WEB, "", "api", null, null)).errors())
                .extracting(Problem.FieldError::field).containsExactly("name", "kind");
    }

    @Test
    void madeKeysAndSecretsAreRandomAndWellFormed() {
        Set<String> keys = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = ChannelRules.newKey(ChannelKind.WEB);
            assertThat(key).matches("web-[0-9a-f]{16}").matches(ChannelRules.KEY);
            keys.add(key);
            String secret = ChannelRules.newSecret();
            assertThat(secret).matches("[0-9a-f]{64}");
            secrets.add(secret);
        }
        assertThat(keys).hasSize(100);
        assertThat(secrets).hasSize(100);
        assertThatThrownBy(() -> ChannelRules.forCreate(null, "web", null, null)).isInstanceOf(Problem.class);
    }
}
