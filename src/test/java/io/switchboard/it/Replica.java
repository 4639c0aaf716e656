package io.switchboard.it;

import io.switchboard.testing.Fixtures;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.switchboard.it.Api.HTTP;
import static org.awaitility.Awaitility.await;


/**
 * One {@code java -jar} process of the packaged application, prod profile, on a free port.
 * Public for the benchmarks in {@code it.bench}, which launch replicas the same way.
 */
public final class Replica {
    private static final int MAX_LAUNCHES = 3;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    public final String name;
    private final Path jar;
    private final Path log;
    private final Path keys;
    private volatile Process process;
    private int port;
    private int launches;

    private final Map<String, String> env = new HashMap<>();
    private final Set<String> unset = new HashSet<>();

    Replica(String name, Path jar, Path log, Path keys) {
        this.name = name;
        this.jar = jar;
        this.log = log;
        this.keys = keys;
    }

    /** A replica of the shared application copy, logging to {@code target/<logName>}. */
    public Replica(String name, PackagedApp app, String logName) {
        this(name, app.runJar(), app.target().resolve(logName), app.keys());
    }

    /** An environment variable for the next launch (REDIS_URL, DB_JDBC_URL...). */
    public Replica withEnv(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Leaves an environment variable out of the next launch, even one set by default (JWT_PUBLIC_KEY...). */
    public Replica withoutEnv(String key) {
        env.remove(key);
        unset.add(key);
        return this;
    }

    /** Waits for the process to end by itself; its exit code, or null if it is still running. */
    public Integer awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The operating-system process id, for /proc and jcmd. */
    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public void launch() {
        port = freePort();
        launches++;
        String jdbcUrl = Fixtures.jdbcUrl();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only: two replicas start about a third faster on a small machine; behaviour is the same.
                // Benchmarks want the optimising compiler: SWITCHBOARD_IT_FULL_JIT in the replica's env.
                env.containsKey("SWITCHBOARD_IT_FULL_JIT") ? "-XX:+TieredCompilation" : "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port,
                // A settings "minute" of timers lasts a second here, so timer tests run in seconds.
                "-Dswitchboard.timers.minute=PT1S",
                "-Dquarkus.http.host=127.0.0.1",
                "-jar", jar.toString())
                // Not the project directory: keeps a developer's .env or config/ out of the replica's configuration.
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(launches == 1 ? ProcessBuilder.Redirect.to(log.toFile()) : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("DB_JDBC_URL", jdbcUrl);
        env.put("DB_REACTIVE_URL", jdbcUrl.substring("jdbc:".length()));
        env.putIfAbsent("REDIS_URL", "redis://localhost:6379");
        // smallrye-jwt reads a location without a scheme from the file system first, then the class path.
        env.put("JWT_PUBLIC_KEY", keys.resolve(PackagedApp.PUBLIC_PEM).toString());
        env.put("JWT_PRIVATE_KEY", keys.resolve(PackagedApp.PRIVATE_PEM).toString());
        env.put("BOOTSTRAP_ADMIN_PASSWORD", "it-admin-" + UUID.randomUUID());
        env.remove("QUARKUS_PROFILE");
        // Every test client comes from 127.0.0.1: per-address flood guards would throttle the tests themselves.
        env.put("SWITCHBOARD_RATE_LIMIT_SOCKET_CONNECTS", "1000000");
        env.put("SWITCHBOARD_RATE_LIMIT_LOGINS", "1000000");
        env.put("SWITCHBOARD_RATE_LIMIT_VISITOR_TOKENS", "1000000");
        // Scenarios chat as fast as the replicas answer (a visitor may send several messages a second
        // on a quick machine); the frame limits have their own tests in RateLimitTest.
        env.put("SWITCHBOARD_RATE_LIMIT_VISITOR_FRAMES_PER_SECOND", "1000");
        env.put("SWITCHBOARD_RATE_LIMIT_VISITOR_FRAMES_BURST", "1000");
        env.put("SWITCHBOARD_RATE_LIMIT_STAFF_FRAMES_PER_SECOND", "1000");
        env.put("SWITCHBOARD_RATE_LIMIT_STAFF_FRAMES_BURST", "1000");
        env.putAll(this.env);
        env.keySet().removeAll(unset);
        try {
            Process started = pb.start();
            process = started;
            // Should the test JVM be killed before @AfterAll, do not leave replicas behind.
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start replica " + name, e);
        }
    }

    public void awaitReady() {
        long start = System.nanoTime();
        try {
            await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .failFast("replica " + name + " exited", () -> !process.isAlive())
                    .until(this::ready);
            System.out.printf("replica %s ready on port %d in %d ms%n", name, port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (TerminalFailureException | ConditionTimeoutException e) {
            String tail = logTail();
            if (!process.isAlive() && launches < MAX_LAUNCHES
                    && (tail.contains("Address already in use") || tail.contains("Port already bound"))) {
                // The free port was taken between probing and binding: try another.
                launch();
                awaitReady();
                return;
            }
            throw new AssertionError("replica " + name + " not ready on port " + port + " (" + e.getMessage()
                    + "); end of " + log + ":\n" + tail, e);
        }
    }

    private boolean ready() {
        try {
            HttpResponse<Void> res = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return res.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: no shutdown hook, no drain, as when a node dies. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM: the replica shuts down gracefully. */
    public void stop() {
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    public void awaitStopped() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
