package io.switchboard.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long browsers keep the front end's files (see {@link CachePolicy}). */
@ConfigMapping(prefix = "switchboard.web")
public interface WebConfig {

    /**
     * How long a browser keeps /widget.js, the loader customers' pages name, before asking
     * again. The loader never names a build (it imports the current one through a redirect that
     * is never cached), so a new release reaches visitors at their next page load whatever
     * this is; it bounds only how long a change to the loader itself takes.
     */
    @WithDefault("PT1H")
    Duration loaderMaxAge();

    /**
     * How long a browser keeps a bundle whose name carries its content hash
     * (/static/bundle/NAME-HASH.js): such a file never changes, a new build has a new name.
     */
    @WithDefault("P365D")
    Duration bundleMaxAge();
}
