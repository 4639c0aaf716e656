package io.switchboard.bootstrap;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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

    /** Password of the first admin; set it in production (BOOTSTRAP_ADMIN_PASSWORD). */
    String adminPassword();
}
