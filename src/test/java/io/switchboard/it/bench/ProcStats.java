package io.switchboard.it.bench;

import io.switchboard.it.Replica;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the kernel and the JVM say about a process, read the same way for a replica and for
 * the echo server so that per-socket figures compare: resident memory from
 * {@code /proc/<pid>/status}, CPU time from {@code /proc/<pid>/stat}, and the live heap from
 * {@code jcmd} after a full collection (the replica's /q/metrics reports the same pools, but
 * the echo server has no metrics endpoint).
 */
final class ProcStats {

    /** USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux we run on. */
    private static final int CLOCK_TICKS = 100;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private ProcStats() {}

    /** Resident set size in bytes (VmRSS). */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS for " + pid);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status", e);
        }
    }

    /** User plus system CPU time the process has used so far, in seconds. */
    static double cpuSeconds(long pid) {
        try {
            return cpuSecondsIn(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat", e);
        }
    }

    /** User plus system CPU seconds in a process's or thread's {@code stat} line. */
    private static double cpuSecondsIn(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: count from after it.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state), so utime (field 14) is f[11] and stime (field 15) f[12].
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    }

    /** Summed over the replicas: {@link #compilerCpuSeconds(long)}. */
    static double compilerCpuSeconds(List<Replica> replicas) {
        double sum = 0;
        for (Replica r : replicas) {
            sum += compilerCpuSeconds(r.pid());
        }
        return sum;
    }

    /**
     * CPU seconds the process's just-in-time compiler threads have used so far (HotSpot names
     * them "C1 CompilerThre…" and "C2 CompilerThre…"): while they are busy, the figures are of
     * code still being compiled, not of the service as it runs for days.
     */
    static double compilerCpuSeconds(long pid) {
        double sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        sum += cpuSecondsIn(Files.readString(task.resolve("stat")));
                    }
                } catch (IOException | RuntimeException e) {
                    // A compiler thread that ended while we looked no longer counts.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/" + pid + "/task", e);
        }
        return sum;
    }

    /**
     * Heap in use after a full collection, in bytes: what the process really keeps alive,
     * without the garbage that happens to be waiting for the next collection.
     */
    static long liveHeapBytes(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in jcmd GC.heap_info of " + pid + ":\n" + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
