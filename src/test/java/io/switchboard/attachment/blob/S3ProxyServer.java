package io.switchboard.attachment.blob;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * A real S3-compatible server in the test JVM (S3Proxy), in a class loader of its own: the
 * test class path minus the Guice 5 jar that quarkus-junit's Maven bootstrap brings, which
 * would shadow the Guice 7 that jclouds needs.
 */
final class S3ProxyServer implements AutoCloseable {

    private final URLClassLoader loader;
    private final int port;

    private S3ProxyServer(URLClassLoader loader, int port) {
        this.loader = loader;
        this.port = port;
    }

    static S3ProxyServer start(String identity, String credential, String bucket) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath()) {
            if (!entry.isBlank() && !new File(entry).getName().matches("guice-5\\..*\\.jar")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        URLClassLoader loader = new URLClassLoader("s3proxy", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?> launcher = Class.forName(S3ProxyLauncher.class.getName(), true, loader);
            int port = (int) launcher.getMethod("start", String.class, String.class, String.class)
                    .invoke(null, identity, credential, bucket);
            return new S3ProxyServer(loader, port);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    int port() {
        return port;
    }

    /** The test class path: surefire's manifest-only jar names it in its Class-Path. */
    private static List<String> classPath() throws Exception {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File file = new File(entry);
            if (file.getName().startsWith("surefirebooter") && file.getName().endsWith(".jar")) {
                try (JarFile jar = new JarFile(file)) {
                    String manifestPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String url : manifestPath.split(" ")) {
                        if (!url.isBlank()) {
                            out.add(new File(new URL(new URL("file:" + file.getParent() + "/"), url).toURI()).getPath());
                        }
                    }
                }
            } else {
                out.add(entry);
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        Class.forName(S3ProxyLauncher.class.getName(), true, loader).getMethod("stop").invoke(null);
        loader.close();
    }
}
