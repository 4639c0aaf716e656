package io.switchboard.web;

import io.switchboard.security.ResolvedPath;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The Cache-Control a front-end file is served with, judged on the path as the router resolves
 * it. Content-hashed bundles are kept for good; the widget's loader briefly, since customers'
 * pages name it forever; anything else gets no header from here (the console page, the
 * redirects to the current bundles, which the bundler marks no-cache, and the API).
 */
public final class CachePolicy {

    /** A bundle file with esbuild's content hash: NAME-HASH.js, .css, or their source maps. */
    private static final Pattern HASHED = Pattern.compile("[^/]+-[A-Z0-9]{8,}\\.(js|css)(\\.map)?");

    private final String loader;
    private final String bundle;

    public CachePolicy(Duration loaderMaxAge, Duration bundleMaxAge) {
        this.loader = "public, max-age=" + loaderMaxAge.toSeconds();
        this.bundle = "public, max-age=" + bundleMaxAge.toSeconds() + ", immutable";
    }

    /** The Cache-Control for a successful GET or HEAD of this path, or null for none. */
    public String cacheControl(String rawPath) {
        ResolvedPath.Resolution path = ResolvedPath.resolve(rawPath);
        if (path.refused()) {
            return null;
        }
        if (path.is("/widget.js")) {
            return loader;
        }
        if (path.isUnder("/static/bundle")) {
            String name = path.path().substring(path.path().lastIndexOf('/') + 1);
            return HASHED.matcher(name).matches() ? bundle : null;
        }
        return null;
    }
}
