package io.switchboard.it.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline of every scenario: a bare Vert.x WebSocket server that writes each text
 * frame back, with nothing else in the way, run as its own process so its memory and CPU
 * are its own. Like a replica it pings every socket every 30 s (WebSockets Next's
 * auto-ping does the same with a timer per connection), so idle figures compare. One server
 * instance per core, as Quarkus runs one per event loop.
 *
 * <p>Protocol on standard input and output: prints {@code PORT <n>} once listening; answers
 * {@code count} with {@code COUNT <open sockets>}; exits on {@code quit} or end of input.
 */
public final class EchoServer {

    static final long PING_INTERVAL_MS = 30_000;

    /** A running echo process, seen from the benchmark. */
    record Handle(ChildJvm jvm, int port) implements AutoCloseable {
        long pid() {
            return jvm.pid();
        }

        @Override
        public void close() {
            jvm.close();
        }
    }

    static Handle start(String name, Path log) {
        ChildJvm jvm = ChildJvm.start(name, EchoServer.class, log);
        String line = jvm.await("PORT ", Duration.ofSeconds(60));
        return new Handle(jvm, Integer.parseInt(line.substring("PORT ".length()).trim()));
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        AtomicInteger open = new AtomicInteger();
        int instances = Runtime.getRuntime().availableProcessors();
        int port = freePort();
        for (int i = 0; i < instances; i++) {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                            .setMaxWebSocketMessageSize(1 << 20))
                    .webSocketHandler(ws -> {
                        open.incrementAndGet();
                        ws.textMessageHandler(ws::writeTextMessage);
                        long timer = vertx.setPeriodic(PING_INTERVAL_MS, id -> ws.writePing(Buffer.buffer()));
                        ws.closeHandler(v -> {
                            vertx.cancelTimer(timer);
                            open.decrementAndGet();
                        });
                    });
            // Vert.x shares one port between the servers of one Vert.x and spreads connections over them.
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.out.println("PORT " + port);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("count")) {
                    System.out.println("COUNT " + open.get());
                }
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
