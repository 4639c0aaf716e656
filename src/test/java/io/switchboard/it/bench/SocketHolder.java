package io.switchboard.it.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * P1's client, a process of its own: opens the sockets listed in a file and holds them,
 * answering the server's pings (Vert.x sends the pong), until told to quit. Several holders
 * share P1's sockets because one process may open only about 20,000 files here.
 *
 * <p>Arguments: the file (one {@code <port> <path>} per line), the source addresses to bind
 * to in turn (comma-separated: one address has only about 28,000 ephemeral ports), and how
 * many handshakes may be in flight, and how many of the first sockets to open and close
 * beforehand as a warm-up. Prints {@code WARM} after the warm-up and waits for {@code go}; prints {@code OPENED ok=.. failed=.. start=.. end=..}
 * (epoch milliseconds of the first attempt and the last completion) once every socket has
 * been tried; answers {@code status} with {@code STATUS open=.. closed=..}.
 */
public final class SocketHolder {

    private SocketHolder() {}

    /** A running holder, seen from the benchmark. */
    record Handle(ChildJvm jvm) implements AutoCloseable {
        @Override
        public void close() {
            jvm.close();
        }
    }

    /** What a holder reports once it has tried every socket. */
    record Opened(int ok, int failed, long startMs, long endMs, String firstError) {
        static Opened parse(String line) {
            String[] f = line.split(" ", 6);
            return new Opened((int) value(f[1]), (int) value(f[2]), value(f[3]), value(f[4]), f.length > 5 ? f[5].trim() : "");
        }

        private static long value(String kv) {
            return Long.parseLong(kv.substring(kv.indexOf('=') + 1));
        }
    }

    static Handle start(String name, Path log, Path sockets, List<String> sourceAddresses, int inFlight, int warmUp) {
        return new Handle(ChildJvm.start(name, SocketHolder.class, log, sockets.toString(),
                String.join(",", sourceAddresses), Integer.toString(inFlight), Integer.toString(warmUp)));
    }

    public static void main(String[] args) throws Exception {
        List<String> targets = Files.readAllLines(Path.of(args[0]));
        String[] sources = args[1].split(",");
        int inFlight = Integer.parseInt(args[2]);
        int warmUp = Integer.parseInt(args[3]);
        Vertx vertx = Vertx.vertx();
        List<WebSocketClient> clients = new ArrayList<>();
        for (String source : sources) {
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(source)
                    .setMaxConnections(Integer.MAX_VALUE).setConnectTimeout(30_000)));
        }
        // Warm-up: open and close a few hundred first (the JIT of both ends), so the rate measured is the steady one.
        int warm = Math.min(warmUp, targets.size());
        openAll(clients, targets.subList(0, warm), inFlight, true);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            // All holders start together on "go", after the benchmark has measured the servers at rest.
            System.out.println("WARM");
            String line;
            while ((line = in.readLine()) != null && !line.equals("go")) {
                // wait
            }
            Opened o = openAll(clients, targets, inFlight, false);
            System.out.printf("OPENED ok=%d failed=%d start=%d end=%d %s%n", o.ok(), o.failed(), o.startMs(), o.endMs(), o.firstError());
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("status")) {
                    System.out.printf("STATUS open=%d closed=%d%n", o.ok() - CLOSED.get(), CLOSED.get());
                }
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** Sockets that closed after they opened: the server dropped them. */
    private static final AtomicInteger CLOSED = new AtomicInteger();

    /** Opens every target with at most inFlight handshakes pending; closes them again if asked (warm-up). */
    private static Opened openAll(List<WebSocketClient> clients, List<String> targets, int inFlight, boolean close)
            throws InterruptedException {
        ConcurrentLinkedQueue<Integer> todo = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < targets.size(); i++) {
            todo.add(i);
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastDone = new AtomicLong();
        StringBuffer firstError = new StringBuffer();
        CountDownLatch done = new CountDownLatch(targets.size());
        long start = System.currentTimeMillis();
        // Each finished handshake starts the next one, so at most inFlight are pending at a time.
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            Integer i = todo.poll();
            if (i == null) {
                return;
            }
            String[] t = targets.get(i).split(" ", 2);
            clients.get(i % clients.size()).connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                    .setPort(Integer.parseInt(t[0])).setURI(t[1])).onComplete(ar -> {
                if (ar.succeeded()) {
                    ok.incrementAndGet();
                    if (close) {
                        ar.result().close();
                    } else {
                        ar.result().closeHandler(v -> CLOSED.incrementAndGet());
                    }
                } else {
                    failed.incrementAndGet();
                    if (firstError.length() == 0) {
                        firstError.append(String.valueOf(ar.cause()).replace('\n', ' '));
                    }
                }
                lastDone.set(System.currentTimeMillis());
                done.countDown();
                next[0].run();
            });
        };
        for (int i = 0; i < inFlight; i++) {
            next[0].run();
        }
        done.await(10, TimeUnit.MINUTES);
        return new Opened(ok.get(), failed.get(), start, lastDone.get(), firstError.toString());
    }
}
