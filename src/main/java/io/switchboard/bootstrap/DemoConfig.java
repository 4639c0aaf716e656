package io.switchboard.bootstrap;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "switchboard.demo")
public interface DemoConfig {

    /** Create the demo tenant (admin, three agents, group General, channel demo-web). On in dev. */
    @WithDefault("false")
    boolean enabled();
}
