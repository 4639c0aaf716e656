package io.switchboard.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the scenarios' findings into one markdown page: the machine, the summary table
 * (every target with its measured value, its same-run baseline and the ratio), then each
 * scenario's notes and detail tables. Written to target/benchmarks/results.md on every run,
 * and to docs/benchmarks.md when every scenario ran (or {@code -Dbench.docs=true}), so a
 * partial run never replaces the published figures.
 */
final class Report {

    static final String COMMAND = "./mvnw -B -Pbench verify";

    private Report() {}

    static String render(BenchRun run, List<ScenarioReport> reports, List<String> skipped, String loadBefore, double minutes) {
        StringBuilder b = new StringBuilder("# Benchmarks\n\n");
        b.append("Targets P1-P6 of `../shared/BENCHMARKS.md`, measured by `").append(COMMAND)
                .append("` (all scenarios; choose with `-Dbench.only=P1,P3`, full target sizes with `-Dbench.full=true`). ")
                .append("The load generator, PostgreSQL and Redis run on the same machine as the replicas. Absolute figures drift "
                        + "between machines and runs: every figure has a baseline measured in the same run (a bare Vert.x "
                        + "WebSocket echo server run as its own process, or for P5 the agent on the visitor's own replica) and "
                        + "the ratio service / baseline. A benchmark never fails the build.\n\n");
        b.append("## Latest run\n\n").append(MachineInfo.describe())
                .append("- Load average (1, 5, 15 min): ").append(loadBefore).append(" at the start, ")
                .append(MachineInfo.loadAverage()).append(" at the end; the run took ").append(String.format("%.1f", minutes))
                .append(" min\n")
                .append("- Replicas: the packaged jar (`java -jar`, prod profile, C2 JIT, default heap), PostgreSQL and Redis "
                        + "local; flood guards off for the run (`SWITCHBOARD_RATE_LIMIT_ENABLED=false`): all clients come from one "
                        + "machine and the visitor frame limit (5/s per socket) is far below the benchmark rates\n")
                .append("- Knobs: ").append(run.knobs.describe()).append("\n\n");
        b.append("## Results\n\n")
                .append("| id | measure | target | measured | baseline (same run) | ratio | met |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (String id : List.of("P1", "P2", "P3", "P4", "P5", "P6", "P7")) {
            ScenarioReport r = reports.stream().filter(x -> x.id.equals(id)).findFirst().orElse(null);
            if (r == null) {
                b.append("| ").append(id).append(" | not run (").append(skipped.contains(id) ? "not chosen" : "?")
                        .append(" in `-Dbench.only`) | | | | | — |\n");
            } else {
                for (ScenarioReport.Row row : r.rows) {
                    b.append("| ").append(row.id()).append(" | ").append(row.measure()).append(" | ").append(row.target())
                            .append(" | ").append(row.measured()).append(" | ").append(row.baseline()).append(" | ")
                            .append(row.ratio()).append(" | ").append(row.verdict()).append(" |\n");
                }
            }
        }
        b.append("\n\"met\": — where the run was smaller than the target's size (the defaults are; `-Dbench.full=true` is "
                + "not), so the target does not apply.\n");
        for (ScenarioReport r : reports) {
            b.append("\n## ").append(r.id).append(": ").append(r.title).append("\n\n");
            r.notes.forEach(n -> b.append("- ").append(n).append('\n'));
            if (!r.details.isEmpty()) {
                b.append('\n').append(r.details);
            }
        }
        b.append("\n## Blocked-thread warnings\n\n").append(blockedThreads(run.out)).append('\n');
        return b.toString();
    }

    /** Counts Vert.x's "has been blocked for" warnings in every replica log of this run. */
    static String blockedThreads(Path out) {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> logs = Files.list(out)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().contains("-replica-")).sorted().toList()) {
                long n = Files.readAllLines(log).stream().filter(l -> l.contains("has been blocked for")).count();
                b.append("- `").append(log.getFileName()).append("`: ").append(n).append('\n');
            }
        } catch (IOException e) {
            b.append("- could not read the logs: ").append(e.getMessage()).append('\n');
        }
        return b.length() == 0 ? "- no replica logs\n" : b.toString();
    }

    static void write(BenchRun run, String page, boolean toDocs) throws IOException {
        Files.writeString(run.out.resolve("results.md"), page);
        if (toDocs) {
            Files.writeString(run.app.target().getParent().resolve("docs/benchmarks.md"), page);
        }
    }
}
