package io.switchboard.it;

import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application in the production profile refuses what would make it unsafe
 * (no token keys, the development key pair, the demo team) with a log line naming the setting
 * and a non-zero exit, starts with a key pair of its own, and carries no development key.
 */
class ProductionLaunchIT {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(90);

    private static PackagedApp app;
    private Replica replica;

    @BeforeAll
    static void prepare() {
        app = PackagedApp.prepare();
    }

    @AfterAll
    static void cleanUp() {
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void stopReplica() {
        if (replica != null) {
            replica.stop();
            replica.awaitStopped();
        }
    }

    /** Launches and expects the process to end by itself with a non-zero code; returns its log. */
    private String refusedLaunch(Replica r) {
        replica = r;
        r.launch();
        Integer code = r.awaitExit(EXIT_TIMEOUT);
        assertThat(code).as("exit code of a refused start; log:\n%s", r.logText()).isNotNull().isNotZero();
        return r.logText();
    }

    @Test
    void productionRefusesToStartWithoutKeys() {
        String log = refusedLaunch(new Replica("no-keys", app, "it-launch-no-keys.log")
                .withoutEnv("JWT_PUBLIC_KEY").withoutEnv("JWT_PRIVATE_KEY"));
        assertThat(log).contains("refusing to start: JWT_PUBLIC_KEY is not set")
                .contains("refusing to start: JWT_PRIVATE_KEY is not set");
    }

    @Test
    void productionRefusesTheDevelopmentKeyPair() {
        Path dev = app.devKeys();
        String log = refusedLaunch(new Replica("dev-keys", app, "it-launch-dev-keys.log")
                .withEnv("JWT_PUBLIC_KEY", dev.resolve("dev-public.pem").toString())
                .withEnv("JWT_PRIVATE_KEY", dev.resolve("dev-private.pem").toString()));
        assertThat(log).contains("refusing to start: JWT_PUBLIC_KEY: " + dev.resolve("dev-public.pem") + " is the development key")
                .contains("refusing to start: JWT_PRIVATE_KEY: " + dev.resolve("dev-private.pem") + " is the development key");
    }

    @Test
    void productionRefusesTheDevelopmentPublicKeyAloneToo() {
        // The attack needs only this: a deployment verifying with the dev public key accepts tokens anyone mints.
        Path dev = app.devKeys();
        String log = refusedLaunch(new Replica("dev-public", app, "it-launch-dev-public.log")
                .withEnv("JWT_PUBLIC_KEY", dev.resolve("dev-public.pem").toString()));
        assertThat(log).contains("refusing to start: JWT_PUBLIC_KEY: " + dev.resolve("dev-public.pem") + " is the development key")
                .contains("refusing to start: JWT_PRIVATE_KEY does not belong to JWT_PUBLIC_KEY");
    }

    @Test
    void productionRefusesTheDemo() {
        String log = refusedLaunch(new Replica("demo", app, "it-launch-demo.log").withEnv("DEMO", "true"));
        assertThat(log).contains("refusing to start: DEMO=true").doesNotContain("created demo tenant");
    }

    @Test
    void productionRefusesAPlaceholderAdminPassword() {
        String log = refusedLaunch(new Replica("admin-password", app, "it-launch-admin-password.log")
                .withEnv("BOOTSTRAP_ADMIN_PASSWORD", "change-me"));
        assertThat(log).contains("refusing to start: BOOTSTRAP_ADMIN_PASSWORD is a placeholder");
    }

    @Test
    void productionStartsWithItsOwnKeysAndRefusesTokensMintedWithTheDevelopmentKey() {
        replica = new Replica("own-keys", app, "it-launch-own-keys.log");
        replica.launch();
        replica.awaitReady();
        Fixtures.Team team = Fixtures.team(1, 1);
        Fixtures.Agent agent = team.agents().get(0);

        String token = login(replica, agent.email());
        http("GET", replica, "/api/v1/me", token, null, 200);

        String forged = StaffTokens.signingWith(app.devKeys().resolve("dev-private.pem"))
                .agent(team.tenantId(), agent.id(), agent.email(), agent.name());
        http("GET", replica, "/api/v1/me", forged, null, 401);
        String ownKey = new StaffTokens(app.keys()).agent(team.tenantId(), agent.id(), agent.email(), agent.name());
        http("GET", replica, "/api/v1/me", ownKey, null, 200);
    }

    @Test
    void packagedApplicationHoldsNoDevelopmentKey() throws IOException {
        String devPrivate = Files.readString(app.devKeys().resolve("dev-private.pem"));
        String privateLine = devPrivate.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        String devPublic = Files.readString(app.devKeys().resolve("dev-public.pem"));
        String publicLine = devPublic.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        Path appDir = app.runJar().getParent();
        List<String> found = new ArrayList<>();
        int jars = 0;
        try (Stream<Path> files = Files.walk(appDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = appDir.relativize(file).toString();
                if (name.contains("dev-private") || name.contains("dev-public")) {
                    found.add(name);
                }
                if (!name.endsWith(".jar")) {
                    continue;
                }
                jars++;
                // The application's own classes and resources: every entry's bytes; dependencies: names.
                boolean own = name.startsWith("app/") || name.startsWith("quarkus/");
                try (ZipFile zip = new ZipFile(file.toFile())) {
                    Enumeration<? extends ZipEntry> entries = zip.entries();
                    while (entries.hasMoreElements()) {
                        ZipEntry e = entries.nextElement();
                        if (e.getName().contains("dev-private") || e.getName().contains("dev-public")) {
                            found.add(name + "!" + e.getName());
                        } else if (own && !e.isDirectory()) {
                            try (InputStream in = zip.getInputStream(e)) {
                                String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                                if (text.contains(privateLine) || text.contains(publicLine)) {
                                    found.add(name + "!" + e.getName() + " (key material)");
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(jars).as("jars under " + appDir).isGreaterThan(10);
        assertThat(found).as("development key files or key material in the packaged application").isEmpty();
    }
}
