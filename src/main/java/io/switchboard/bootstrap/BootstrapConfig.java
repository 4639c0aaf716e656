package io.switchboard.bootstrap;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** The first tenant and admin, created when the database has no tenant at all. */
@ConfigMapping(prefix = "switchboard.bootstrap")
public interface BootstrapConfig {

    /** Short name of the first tenant. */
    @WithDefault("default")
    String tenantSlug();

    /** Display name of the first tenant. */
    @WithDefault("Default")
    String tenantName();

    /** Email of the first admin. */
    @WithDefault("admin@example.test")
    String adminEmail();

    /**
     * Password of the first admin (BOOTSTRAP_ADMIN_PASSWORD). Needed only while the database
     * has no tenant; production has no default, so a first start without it fails loudly.
     */
    Optional<String> adminPassword();
}
