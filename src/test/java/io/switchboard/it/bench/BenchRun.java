package io.switchboard.it.bench;

import io.switchboard.it.ClientSockets;
import io.switchboard.it.PackagedApp;
import io.switchboard.it.Replica;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import io.switchboard.testing.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the scenarios of one run share: the knobs, the packaged application, the output
 * folder, one Vert.x for the in-process clients, and the way replicas and echo servers are
 * started, so that every scenario measures the service and its baseline alike.
 */
final class BenchRun implements AutoCloseable {

    /**
     * The environment every benchmark replica gets. The per-address and per-socket flood
     * guards are off: every client here comes from one machine and the visitor frame limit
     * (5/s) is far below the benchmark rates. The report says so.
     */
    static final Map<String, String> REPLICA_ENV = Map.of(
            "SWITCHBOARD_RATE_LIMIT_ENABLED", "false",
            // The optimising compiler, as in production; integration tests run replicas on C1 only.
            "SWITCHBOARD_IT_FULL_JIT", "true");

    final Knobs knobs = new Knobs();
    final Vertx vertx;
    final PackagedApp app;
    final Path out;
    /** Results of the scenarios run so far, by id: P5 sizes its rate from P2's. */
    final Map<String, ScenarioReport> done = new HashMap<>();
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final AtomicInteger nextClient = new AtomicInteger();
    private final List<String> sources;
    private final int dbPoolSize;

    BenchRun() {
        app = PackagedApp.prepare();
        out = app.target().resolve("benchmarks");
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10_000));
        sources = sourceAddresses(knobs.integer("bench.source-addresses", 8));
        // 0: the service's default (20 connections per replica). Smaller when the PostgreSQL is shared and near its limit.
        dbPoolSize = knobs.integer("bench.db-pool-size", 0);
        for (String source : sources) {
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(source)
                    .setMaxConnections(Integer.MAX_VALUE).setConnectTimeout(30_000)
                    .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20)));
        }
    }

    /**
     * Loopback source addresses 127.0.0.2, 127.0.0.3...: binding client sockets to several
     * spreads them over several ranges of ephemeral ports (about 28,000 each), which the
     * larger socket counts and the reconnect storm (old ports linger in TIME_WAIT) need.
     */
    static List<String> sourceAddresses(int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add("127.0.0." + (2 + i));
        }
        return list;
    }

    List<String> sources() {
        return sources;
    }

    /** A replica with the benchmark environment, logging to target/benchmarks/<scenario>-<name>.log; not started. */
    Replica replica(String scenario, String name) {
        Replica r = new Replica(name, app, "benchmarks/" + scenario + "-replica-" + name + ".log");
        REPLICA_ENV.forEach(r::withEnv);
        if (dbPoolSize > 0) {
            r.withEnv("DB_POOL_SIZE", Integer.toString(dbPoolSize));
        }
        // For profiling a scenario: -Dbench.replica-java-options=-XX:StartFlightRecording=filename=p2-{name}.jfr
        // ({name} is the replica's scenario and letter; relative paths land in target/benchmarks). JAVA_TOOL_OPTIONS
        // reaches the replica JVM only, not the harness. Read only when given, so plain runs report no such knob.
        // For experiments on one setting: -Dbench.replica-env=SWITCHBOARD_OUTBOX_ENABLED=false;SWITCHBOARD_X=y.
        // Read only when given, so plain runs report no such knob.
        if (knobs.given("bench.replica-env")) {
            for (String pair : knobs.text("bench.replica-env", "").split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    r.withEnv(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        if (knobs.given("bench.replica-java-options")) {
            r.withEnv("JAVA_TOOL_OPTIONS", knobs.text("bench.replica-java-options", "").replace("{name}", scenario + "-" + name));
        }
        return r;
    }

    /**
     * Vacuums and analyzes the bench's database. PostgreSQL on the machines this runs on may
     * have autovacuum switched off (CI's PostgreSQL does); a production server vacuums as it
     * goes. Without it every assignment leaves a dead row version behind, the partial indexes
     * the service reads (open conversations by assignee, the queue) fill with them, and the
     * planner has no statistics: the figures would measure the machine's set-up, not the service.
     */
    static void vacuum() {
        try (Connection c = Fixtures.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("vacuum (analyze)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot vacuum the bench database", e);
        }
    }

    /** Starts n replicas together (as the pods of a Deployment start) and waits until all are ready. */
    List<Replica> startReplicas(String scenario, int n) {
        vacuum();
        List<Replica> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(replica(scenario, String.valueOf((char) ('A' + i))));
        }
        list.forEach(Replica::launch);
        list.forEach(Replica::awaitReady);
        return list;
    }

    static void stop(List<Replica> replicas) {
        replicas.forEach(Replica::stop);
        replicas.forEach(Replica::awaitStopped);
    }

    EchoServer.Handle echo(String scenario, String name) {
        return EchoServer.start(scenario + "-echo-" + name, out.resolve(scenario + "-echo-" + name + ".log"));
    }

    /**
     * Opens a socket on 127.0.0.1:port from the next source address, with the frame handler in
     * place before the server can write (a console's first status frame; ClientSockets).
     */
    Future<WebSocket> connect(int port, String uri, Handler<String> frames) {
        WebSocketClient client = clients.get(Math.floorMod(nextClient.getAndIncrement(), clients.size()));
        return ClientSockets.connect(vertx, client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri), frames);
    }

    /** The same, waiting for the handshake: for set-up, not for measured paths. */
    WebSocket connectNow(int port, String uri, Handler<String> frames) {
        try {
            return connect(port, uri, frames).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open " + uri + " on port " + port, e);
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("vert.x did not close: " + e);
        }
        app.close();
    }
}
