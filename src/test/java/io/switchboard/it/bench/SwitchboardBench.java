package io.switchboard.it.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The benchmarks of ../shared/BENCHMARKS.md, on demand only: {@code ./mvnw -B -Pbench verify}
 * (the profile runs nothing but *Bench classes, against the packaged jar). Runs the chosen
 * scenarios one after another, each with fresh replicas, prints the results table and writes
 * target/benchmarks/results.md (and docs/benchmarks.md after a run of every scenario).
 * Never fails because the machine is slow: a scenario that breaks is reported as such and
 * the others still run.
 *
 * <p>{@code -Dbench.only=P1,P3} chooses scenarios; {@code -Dbench.full=true} runs the full
 * target sizes; each scenario's knobs are listed in its class and in the report.
 */
class SwitchboardBench {

    private static final List<Scenario> ALL = List.of(new P1IdleCapacity(), new P2Throughput(), new P3Latency(),
            new P4Contention(), new P5CrossReplica(), new P6ReconnectStorm(), new P7Search());

    @Test
    void benchmarks() throws Exception {
        Set<String> chosen = Arrays.stream(System.getProperty("bench.only", "P1,P2,P3,P4,P5,P6,P7").split(","))
                .map(String::trim).map(String::toUpperCase).collect(Collectors.toSet());
        List<String> skipped = ALL.stream().map(Scenario::id).filter(id -> !chosen.contains(id)).toList();
        long start = System.nanoTime();
        String load = MachineInfo.loadAverage();
        try (BenchRun run = new BenchRun()) {
            clearOldLogs(run.out);
            List<ScenarioReport> reports = new ArrayList<>();
            for (Scenario s : ALL) {
                if (!chosen.contains(s.id())) {
                    continue;
                }
                System.out.printf("=== %s %s%n", s.id(), s.title());
                long t = System.nanoTime();
                ScenarioReport r;
                try {
                    r = s.run(run);
                } catch (Throwable e) {
                    e.printStackTrace();
                    r = ScenarioReport.failed(s.id(), s.title(), e);
                }
                System.out.printf("=== %s done in %.1f min%n", s.id(), (System.nanoTime() - t) / 60e9);
                reports.add(r);
                run.done.put(r.id, r);
            }
            String page = Report.render(run, reports, skipped, load, (System.nanoTime() - start) / 60e9);
            System.out.println(page);
            boolean toDocs = skipped.isEmpty() || Boolean.getBoolean("bench.docs");
            Report.write(run, page, toDocs);
            System.out.println("written to " + run.out.resolve("results.md") + (toDocs ? " and docs/benchmarks.md" : ""));
        }
    }

    /** Logs of an earlier run would be counted in this run's blocked-thread check. */
    private static void clearOldLogs(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".log") || name.endsWith(".txt")) {
                    Files.delete(p);
                }
            }
        }
    }
}
