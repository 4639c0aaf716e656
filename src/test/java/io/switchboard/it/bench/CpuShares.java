package io.switchboard.it.bench;

import io.switchboard.it.Replica;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent between two moments by the parts of a run: the replicas, PostgreSQL (all its
 * processes), Redis (every redis-server) and this load generator. On a small machine where
 * all of them share the cores, it tells what a figure is waiting on.
 */
final class CpuShares {

    /** Part of the replicas' figure: their just-in-time compiler threads. */
    static final String COMPILERS = "of which JIT compilers";

    private final List<Replica> replicas;
    private Map<String, Double> before = Map.of();
    private Map<String, Double> spent = Map.of();
    private long startNanos;
    private double wallSeconds;
    /** Wall-clock bounds of the window, to cut a profile of the replicas to it. */
    private java.time.LocalTime from;
    private java.time.LocalTime to;

    CpuShares(List<Replica> replicas) {
        this.replicas = List.copyOf(replicas);
    }

    void start() {
        before = sample();
        startNanos = System.nanoTime();
        from = java.time.LocalTime.now();
    }

    void stop() {
        wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        to = java.time.LocalTime.now();
        Map<String, Double> after = sample();
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
        spent = out;
    }

    /** "18:15:59.120 to 18:16:04.310": the window on this machine's clock, to cut a replica's profile to it. */
    String window() {
        return from + " to " + to;
    }

    /** CPU seconds one part spent in the window ("replicas", "postgres", "redis", "generator"); 0 when unknown. */
    double spent(String part) {
        return spent.getOrDefault(part, 0.0);
    }

    /** Share of the replicas' CPU that went to compiling code, 0 to 1. */
    double compilerShare() {
        double replicas = spent.getOrDefault("replicas", 0.0);
        return replicas <= 0 ? 0 : spent.getOrDefault(COMPILERS, 0.0) / replicas;
    }

    /** "replicas 3.1, of which JIT compilers 0.2, postgres 2.0, redis 0.4, generator 1.2 (total 6.7 over 5.2 s wall)". */
    String summary() {
        StringBuilder b = new StringBuilder();
        double total = 0;
        for (var e : spent.entrySet()) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(e.getKey()).append(' ').append(String.format("%.1f", e.getValue()));
            if (!e.getKey().equals(COMPILERS)) {
                total += e.getValue();
            }
        }
        return b.append(String.format(" (total %.1f over %.1f s wall)", total, wallSeconds)).toString();
    }

    private Map<String, Double> sample() {
        Map<String, Double> out = new LinkedHashMap<>();
        double replicaCpu = 0;
        for (Replica r : replicas) {
            replicaCpu += ProcStats.cpuSeconds(r.pid());
        }
        out.put("replicas", replicaCpu);
        out.put(COMPILERS, ProcStats.compilerCpuSeconds(replicas));
        out.put("postgres", byName("postgres"));
        out.put("redis", byName("redis-server"));
        out.put("generator", ProcStats.cpuSeconds(ProcessHandle.current().pid()));
        return out;
    }

    /** Summed CPU of every process with this command name (children that exited are not counted). */
    private static double byName(String command) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    if (Files.readString(p.resolve("comm")).trim().equals(command)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // The process ended while we looked: it no longer counts.
                }
            });
        } catch (IOException e) {
            return Double.NaN;
        }
        double sum = 0;
        for (long pid : pids) {
            try {
                sum += ProcStats.cpuSeconds(pid);
            } catch (RuntimeException e) {
                // Ended in between.
            }
        }
        return sum;
    }
}
