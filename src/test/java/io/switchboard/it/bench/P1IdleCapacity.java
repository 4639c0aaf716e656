package io.switchboard.it.bench;

import io.switchboard.it.Replica;
import io.switchboard.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.switchboard.it.bench.ScenarioReport.f;
import static io.switchboard.it.bench.ScenarioReport.ratio;

/**
 * P1, idle capacity: N widget sockets held open over two replicas, answering the server's
 * pings, and what they cost each: resident memory and live heap per socket (the growth from
 * before the sockets opened, divided by N), handshakes per second while they open, and CPU
 * while they sit idle. The baseline holds the same sockets against two echo processes.
 *
 * <p>The sockets are opened by separate holder processes of at most
 * {@code bench.p1.sockets-per-holder} sockets each, since one process may open only about
 * 20,000 files here, bound to several loopback source addresses for enough ephemeral ports.
 * Visitor tokens are made beforehand through the widget's REST call, so handshakes are
 * only handshakes (token check and subscription included).
 */
final class P1IdleCapacity implements Scenario {

    private static final double KIB = 1024;

    @Override
    public String id() {
        return "P1";
    }

    @Override
    public String title() {
        return "Idle capacity";
    }

    /** What one side (service or echo) measured. */
    record Side(int held, int failed, double rssPerSocket, double heapPerSocket, double handshakesPerSecond,
                double idleCpuPercent, String firstError, String handshakeCpu) {}

    /** The two processes a side runs: their ports and process ids. */
    record Servers(List<Integer> ports, List<Long> pids) {}

    /** Sockets each holder opens and closes before the measured handshakes, set by {@code bench.p1.warm-up}. */
    private int warmUp;

    @Override
    public ScenarioReport run(BenchRun run) throws Exception {
        Knobs k = run.knobs;
        int n = k.integer("bench.p1.sockets", 5_000, 30_000);
        int perHolder = k.integer("bench.p1.sockets-per-holder", 10_000);
        int idleSeconds = k.integer("bench.p1.idle-seconds", 30, 60);
        int inFlight = k.integer("bench.p1.handshakes-in-flight", 100);
        warmUp = k.integer("bench.p1.warm-up", 500);

        Side echo;
        try (EchoServer.Handle e1 = run.echo("p1", "1"); EchoServer.Handle e2 = run.echo("p1", "2")) {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                paths.add("/echo");
            }
            echo = measure(run, "echo", new Servers(List.of(e1.port(), e2.port()), List.of(e1.pid(), e2.pid())),
                    paths, perHolder, idleSeconds, inFlight, null);
        }

        Side service;
        List<Replica> replicas = run.startReplicas("p1", 2);
        try {
            Fixtures.Team team = Fixtures.team(1, 10);
            long t0 = System.nanoTime();
            List<String> tokens = Rest.visitorTokens(replicas, team.channelKey(), n);
            System.out.printf("P1: %d visitor tokens in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            List<String> paths = tokens.stream().map(t -> "/ws/visitor?token=" + t).toList();
            service = measure(run, "service", new Servers(replicas.stream().map(Replica::port).toList(),
                    replicas.stream().map(Replica::pid).toList()), paths, perHolder, idleSeconds, inFlight, new CpuShares(replicas));
        } finally {
            BenchRun.stop(replicas);
        }

        boolean fullSize = n >= 30_000;
        ScenarioReport r = new ScenarioReport(id(), title());
        r.row("widget sockets held over two replicas", "30,000",
                String.format("%,d of %,d (%,d failed)", service.held(), n, service.failed()),
                String.format("%,d of %,d", echo.held(), n), "",
                fullSize ? service.held() == n : null);
        r.row("RSS per socket", "<= 20 KB", f(service.rssPerSocket() / KIB, 1) + " KB", f(echo.rssPerSocket() / KIB, 1) + " KB",
                ratio(service.rssPerSocket(), echo.rssPerSocket()), service.rssPerSocket() <= 20 * KIB);
        r.row("live heap per socket (after a full GC)", "<= 12 KB", f(service.heapPerSocket() / KIB, 1) + " KB",
                f(echo.heapPerSocket() / KIB, 1) + " KB", ratio(service.heapPerSocket(), echo.heapPerSocket()),
                service.heapPerSocket() <= 12 * KIB);
        r.row("handshakes per second", ">= 1,500/s", f(service.handshakesPerSecond(), 0) + "/s",
                f(echo.handshakesPerSecond(), 0) + "/s", ratio(service.handshakesPerSecond(), echo.handshakesPerSecond()),
                service.handshakesPerSecond() >= 1_500);
        r.row("idle CPU, both processes together", "< 5% of a core", f(service.idleCpuPercent(), 1) + "%",
                f(echo.idleCpuPercent(), 1) + "%", ratio(service.idleCpuPercent(), echo.idleCpuPercent()),
                service.idleCpuPercent() < 5);
        r.note(String.format("%,d sockets (full target: 30,000 with `-Dbench.p1.sockets=30000`), held by %d holder process(es) "
                        + "from %d loopback source addresses, %d handshakes in flight per holder; idle window %d s "
                        + "(the server pings every 30 s).", n, (n + perHolder - 1) / perHolder, run.sources().size(), inFlight,
                idleSeconds));
        r.note("Per-socket memory is the growth of VmRSS (/proc) and of the heap after `jcmd GC.run` from before the "
                + "sockets opened to after, summed over both processes and divided by the sockets held. "
                + "Handshakes per second: sockets opened / (last completed - first attempted) over all holders.");
        r.note("CPU seconds spent while the service's sockets opened (user + system, from /proc), by process: "
                + service.handshakeCpu() + ". The socket holders are processes of their own and not counted; "
                + warmUp + " sockets per holder were opened and closed before, as a warm-up (`-Dbench.p1.warm-up`).");
        if (!service.firstError().isBlank() || !echo.firstError().isBlank()) {
            r.note("First handshake error: service `" + service.firstError() + "`; echo `" + echo.firstError() + "`.");
        }
        return r;
    }

    private Side measure(BenchRun run, String label, Servers servers, List<String> paths, int perHolder,
                         int idleSeconds, int inFlight, CpuShares cpu) throws IOException {
        int n = paths.size();
        List<SocketHolder.Handle> holders = new ArrayList<>();
        int held = 0;
        int failed = 0;
        String firstError = "";
        try {
            for (int from = 0, h = 0; from < n; from += perHolder, h++) {
                Path file = run.out.resolve("p1-" + label + "-sockets-" + h + ".txt");
                List<String> lines = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + perHolder); i++) {
                    // Alternate the two servers, as a load balancer would.
                    lines.add(servers.ports().get(i % servers.ports().size()) + " " + paths.get(i));
                }
                Files.write(file, lines);
                holders.add(SocketHolder.start("holder-" + label + "-" + h, run.out.resolve("p1-" + label + "-holder-" + h + ".log"),
                        file, run.sources(), inFlight, warmUp));
            }
            for (SocketHolder.Handle holder : holders) {
                holder.jvm().await("WARM", Duration.ofMinutes(5));
            }
            BenchRun.pause(Duration.ofSeconds(2));
            long rssBefore = 0;
            long heapBefore = 0;
            for (long pid : servers.pids()) {
                heapBefore += ProcStats.liveHeapBytes(pid);
                rssBefore += ProcStats.rssBytes(pid);
            }
            if (cpu != null) {
                cpu.start();
            }
            holders.forEach(h -> h.jvm().send("go"));
            long first = Long.MAX_VALUE;
            long last = 0;
            for (SocketHolder.Handle holder : holders) {
                SocketHolder.Opened o = SocketHolder.Opened.parse(holder.jvm().await("OPENED", Duration.ofMinutes(10)));
                held += o.ok();
                failed += o.failed();
                first = Math.min(first, o.startMs());
                last = Math.max(last, o.endMs());
                if (firstError.isEmpty()) {
                    firstError = o.firstError();
                }
            }
            if (cpu != null) {
                cpu.stop();
            }
            double handshakes = held / Math.max(0.001, (last - first) / 1000.0);
            System.out.printf("P1 %s: %d sockets open (%d failed), %.0f handshakes/s%s%n", label, held, failed, handshakes,
                    cpu == null ? "" : "; CPU seconds meanwhile: " + cpu.summary());
            BenchRun.pause(Duration.ofSeconds(5));
            long rssAfter = 0;
            long heapAfter = 0;
            for (long pid : servers.pids()) {
                // The full GC first, as before the sockets opened: it may give heap back and so lower the RSS.
                heapAfter += ProcStats.liveHeapBytes(pid);
                rssAfter += ProcStats.rssBytes(pid);
            }
            // Idle: nothing but the pings and the servers' own timers.
            BenchRun.pause(Duration.ofSeconds(1));
            double cpuBefore = servers.pids().stream().mapToDouble(ProcStats::cpuSeconds).sum();
            BenchRun.pause(Duration.ofSeconds(idleSeconds));
            double cpuAfter = servers.pids().stream().mapToDouble(ProcStats::cpuSeconds).sum();
            int stillOpen = 0;
            for (SocketHolder.Handle holder : holders) {
                holder.jvm().send("status");
                String status = holder.jvm().await("STATUS", Duration.ofSeconds(30));
                stillOpen += Integer.parseInt(status.substring(status.indexOf("open=") + 5, status.indexOf(' ', status.indexOf("open="))));
            }
            int counted = Math.max(1, held);
            return new Side(stillOpen, failed + (held - stillOpen), (rssAfter - rssBefore) / (double) counted,
                    (heapAfter - heapBefore) / (double) counted, handshakes, (cpuAfter - cpuBefore) / idleSeconds * 100, firstError,
                    cpu == null ? "" : cpu.summary());
        } finally {
            holders.forEach(SocketHolder.Handle::close);
        }
    }
}
