package io.switchboard.it.bench;

import io.switchboard.it.ContentionScenario;
import io.switchboard.it.Replica;
import io.switchboard.it.StaffTokens;

import java.util.List;

import static io.switchboard.it.bench.ScenarioReport.f;
import static io.switchboard.it.bench.ScenarioReport.ratio;

/**
 * P4, assignment under contention: 200 agents of capacity 5 and 1,000 new conversations
 * within one second, over two replicas, then checked against PostgreSQL. The scenario is the
 * one ContentionIT asserts on ({@link ContentionScenario}); here it is timed with the
 * optimising compiler, and run once on one replica as the baseline. The figure is from a
 * conversation's creation (its first message committed) to its assignment committed, queueing
 * included: with exactly as much capacity as conversations, nobody should wait long.
 */
final class P4Contention implements Scenario {

    @Override
    public String id() {
        return "P4";
    }

    @Override
    public String title() {
        return "assignment under contention";
    }

    @Override
    public ScenarioReport run(BenchRun run) throws Exception {
        ContentionScenario.Params params = ContentionScenario.Params.p4();
        Measured oneRun = measure(run, 1, params);
        Measured twoRuns = measure(run, 2, params);
        ContentionScenario.Figures one = oneRun.figures();
        ContentionScenario.Figures two = twoRuns.figures();
        ScenarioReport r = new ScenarioReport(id(), title());
        r.row("decisions per second, two replicas", ">= 2,000/s", f(two.decisionsPerSecond(), 0) + "/s",
                f(one.decisionsPerSecond(), 0) + "/s on one replica", ratio(two.decisionsPerSecond(), one.decisionsPerSecond()),
                two.decisionsPerSecond() >= 2000);
        r.row("creation to assignment p99", "<= 20 ms", f(two.p99Millis(), 1) + " ms", f(one.p99Millis(), 1) + " ms on one replica",
                ratio(two.p99Millis(), one.p99Millis()), two.p99Millis() <= 20);
        r.row("over capacity / assigned twice (PostgreSQL)", "0 / 0", twoRuns.overCapacity() + " / " + twoRuns.doubleAssigned(),
                oneRun.overCapacity() + " / " + oneRun.doubleAssigned() + " on one replica", "",
                twoRuns.overCapacity() == 0 && twoRuns.doubleAssigned() == 0);
        r.details.append("One replica:\n\n").append(one.table()).append("\nTwo replicas:\n\n").append(two.table());
        r.details.append("\nCPU seconds spent from the burst to quiet (user + system, from /proc), by process: one replica ")
                .append(oneRun.cpu()).append("; two replicas ").append(twoRuns.cpu()).append(".\n");
        r.note("Creation is the conversation's first message committed; the wait includes the queue.");
        r.note("Each measured burst follows one unmeasured burst of the same size on the same replicas (another tenant), "
                + "so the figures are of warmed-up processes.");
        return r;
    }

    private record Measured(ContentionScenario.Figures figures, long overCapacity, long doubleAssigned, String cpu) {}

    private static Measured measure(BenchRun run, int replicas, ContentionScenario.Params params) throws Exception {
        List<Replica> started = run.startReplicas("P4-" + replicas, replicas);
        StaffTokens tokens = new StaffTokens(run.app.keys());
        try {
            // The same burst once, unmeasured, on another tenant: the figure is of a service
            // that has run before, not of the optimising compiler's first minute at work.
            try (ContentionScenario warmUp = new ContentionScenario(started, tokens, params)) {
                warmUp.run();
            }
        } catch (Exception | AssertionError e) {
            BenchRun.stop(started);
            throw e;
        }
        try (ContentionScenario s = new ContentionScenario(started, tokens, params)) {
            CpuShares cpu = new CpuShares(started);
            ContentionScenario.Figures f = s.run(cpu::start, cpu::stop);
            System.out.println("P4 CPU seconds from burst to quiet, " + replicas + " replica(s): " + cpu.summary());
            String tenant = s.team().tenantId();
            return new Measured(f, ContentionScenario.overCapacity(tenant), ContentionScenario.doubleAssignments(tenant),
                    cpu.summary());
        } finally {
            BenchRun.stop(started);
        }
    }
}
