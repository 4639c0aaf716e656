package io.switchboard.devsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;

/**
 * A hook, not a source: while the configuration is being built, in the {@code dev} and {@code test}
 * profiles only, makes sure PostgreSQL and Redis answer at the configured addresses, starting embedded
 * ones on this machine if they do not (see {@link EmbeddedServers}). Contributes no configuration.
 * <p>
 * Off with {@code switchboard.embedded-fallback=false} (or {@code SWITCHBOARD_EMBEDDED_FALLBACK=false}).
 * In any other profile it returns at once and never loads the embedded server classes: this class is
 * part of the packaged application (src/dev/java is a source root of the default build), the embedded
 * server libraries are not.
 * <p>
 * Quarkus builds its configuration several times per JVM (build steps, then run time; again on every
 * dev-mode reload and for each test profile): {@link EmbeddedServers} is idempotent.
 */
public class EmbeddedFallbackConfigSourceFactory implements ConfigSourceFactory {

    static final String ENABLED = "switchboard.embedded-fallback";

    private static final Logger LOG = Logger.getLogger(EmbeddedFallbackConfigSourceFactory.class);

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean enabled = isEnabled(context);
        LOG.debugf("Embedded fallback hook: profiles %s, enabled %s", activeProfiles(context), enabled);
        if (enabled) {
            EmbeddedServers.ensure(
                    value(context, "quarkus.datasource.jdbc.url"),
                    value(context, "quarkus.datasource.username"),
                    value(context, "quarkus.datasource.password"),
                    value(context, "quarkus.redis.hosts"));
        }
        return Collections.emptyList();
    }

    static boolean isEnabled(ConfigSourceContext context) {
        List<String> profiles = activeProfiles(context);
        if (!(profiles.contains("dev") || profiles.contains("test"))) {
            return false;
        }
        String enabled = value(context, ENABLED);
        return enabled == null || !enabled.trim().equalsIgnoreCase("false");
    }

    /**
     * The active profiles. SmallRye Config 3.x gives them to factories ({@code getProfiles()}, filled
     * from {@code quarkus.profile}, which Quarkus sets from the launch mode); the property itself is
     * read as a fallback for contexts that do not implement it. An empty list means prod.
     */
    static List<String> activeProfiles(ConfigSourceContext context) {
        try {
            List<String> profiles = context.getProfiles();
            if (profiles != null && !profiles.isEmpty()) {
                return profiles;
            }
        } catch (UnsupportedOperationException e) {
            // older context implementation: fall through
        }
        for (String name : new String[] { "quarkus.profile", "smallrye.config.profile" }) {
            String value = value(context, name);
            if (value != null && !value.isBlank()) {
                List<String> profiles = new ArrayList<>();
                for (String p : value.split(",")) {
                    if (!p.isBlank()) {
                        profiles.add(p.trim());
                    }
                }
                return profiles;
            }
        }
        return Collections.emptyList();
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null ? null : value.getValue();
    }
}
