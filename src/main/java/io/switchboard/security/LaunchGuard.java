package io.switchboard.security;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.switchboard.bootstrap.BootstrapConfig;
import io.switchboard.bootstrap.DemoConfig;
import io.switchboard.operations.Faults;
import io.smallrye.config.SmallRyeConfig;
import io.switchboard.security.LaunchSafety.KeyInput;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refuses a production start that {@link LaunchSafety} finds unsafe, before anything else
 * observes the start (the bootstrap would otherwise seed the demo team first). Dev mode and
 * tests run with the development keys and the demo on purpose, so only a normal launch (the
 * packaged jar, the image, the native executable) is checked.
 */
@Singleton
class LaunchGuard {

    private static final Logger LOG = Logger.getLogger(LaunchGuard.class);

    private final Optional<String> publicKeyLocation;
    private final Optional<String> publicKeyInline;
    private final Optional<String> privateKeyLocation;
    private final Optional<String> privateKeyInline;
    private final DemoConfig demo;
    private final BootstrapConfig bootstrap;
    private final Optional<String> haltAfterCommitText;
    private final Optional<String> haltAfterEventKind;

    LaunchGuard(@ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> publicKeyLocation,
                @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> publicKeyInline,
                @ConfigProperty(name = "smallrye.jwt.sign.key.location") Optional<String> privateKeyLocation,
                @ConfigProperty(name = "smallrye.jwt.sign.key") Optional<String> privateKeyInline,
                DemoConfig demo, BootstrapConfig bootstrap,
                @ConfigProperty(name = Faults.HALT_AFTER_COMMIT_TEXT) Optional<String> haltAfterCommitText,
                @ConfigProperty(name = Faults.HALT_AFTER_EVENT_KIND) Optional<String> haltAfterEventKind) {
        this.haltAfterCommitText = haltAfterCommitText;
        this.haltAfterEventKind = haltAfterEventKind;
        this.publicKeyLocation = publicKeyLocation;
        this.publicKeyInline = publicKeyInline;
        this.privateKeyLocation = privateKeyLocation;
        this.privateKeyInline = privateKeyInline;
        this.demo = demo;
        this.bootstrap = bootstrap;
    }

    // The lowest priority runs first among start-up observers: before Bootstrap seeds anything.
    void check(@Observes @Priority(1) StartupEvent ev) {
        if (LaunchMode.current().isDevOrTest()) {
            return;
        }
        List<String> refusals = new ArrayList<>(LaunchSafety.refusals(
                key(publicKeyLocation, publicKeyInline), key(privateKeyLocation, privateKeyInline),
                demo.enabled(), bootstrap.adminPassword()));
        refusals.addAll(LaunchSafety.faultRefusals(java.util.Map.of(Faults.HALT_AFTER_COMMIT_TEXT, haltAfterCommitText,
                        Faults.HALT_AFTER_EVENT_KIND, haltAfterEventKind),
                ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles()));
        if (refusals.isEmpty()) {
            return;
        }
        for (String r : refusals) {
            LOG.error("refusing to start: " + r);
        }
        throw new IllegalStateException("unsafe production configuration: " + String.join("; ", refusals));
    }

    private static Optional<KeyInput> key(Optional<String> location, Optional<String> inline) {
        if (location.filter(LaunchGuard::set).isPresent()) {
            return Optional.of(read(location.get().trim()));
        }
        return inline.filter(LaunchGuard::set).map(text -> KeyInput.read("the inline key", text));
    }

    /** Blank and {@code NONE} (the token library's spelling of "not set", see application.properties) are unset. */
    private static boolean set(String value) {
        return !value.isBlank() && !"NONE".equals(value.trim());
    }

    /**
     * Reads a key the way the token library resolves its location: a URL is fetched by the
     * library itself (not judged here), {@code classpath:} from the class path, anything else
     * from the file system first and then the class path.
     */
    static KeyInput read(String location) {
        String lower = location.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("http:") || lower.startsWith("https:")) {
            return KeyInput.unchecked(location);
        }
        try {
            if (lower.startsWith("classpath:")) {
                return fromClassPath(location, location.substring("classpath:".length()));
            }
            Path path = Path.of(lower.startsWith("file:") ? location.substring("file:".length()) : location);
            if (Files.isRegularFile(path)) {
                return KeyInput.read(location, Files.readString(path, StandardCharsets.UTF_8));
            }
            return fromClassPath(location, location);
        } catch (IOException | RuntimeException e) {
            return KeyInput.failed(location, e.getMessage());
        }
    }

    private static KeyInput fromClassPath(String location, String resource) throws IOException {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return KeyInput.failed(location, "no such file");
            }
            return KeyInput.read(location, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
