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
        r.note("Each measured burst follows unmeasured bursts of the same size on the same replicas (other tenants) until "
                + "the just-in-time compilers spend under " + Math.round(QUIET_COMPILERS * 100) + " % of the replicas' CPU in one ("
                + oneRun.warmUps() + " on one replica, " + twoRuns.warmUps() + " on two; at most `-Dbench.p4.max-warm-ups`, 5 by default), "
                + "so the figures are of warmed-up processes. In the measured bursts the compilers took "
                + Math.round(oneRun.compilerShare() * 100) + " % (one replica) and " + Math.round(twoRuns.compilerShare() * 100)
                + " % (two) of the replicas' CPU.");
        return r;
    }

    private record Measured(ContentionScenario.Figures figures, long overCapacity, long doubleAssigned, String cpu,
                            int warmUps, double compilerShare) {}

    /** The compilers count as quiet once their threads spend less than this share of the replicas' CPU in a burst. */
    private static final double QUIET_COMPILERS = 0.10;

    private static Measured measure(BenchRun run, int replicas, ContentionScenario.Params params) throws Exception {
        List<Replica> started = run.startReplicas("P4-" + replicas, replicas);
        StaffTokens tokens = new StaffTokens(run.app.keys());
        // Five by default: on two cores the compilers keep about a third of the replicas' CPU
        // for several bursts, and each burst takes a few seconds.
        int maxWarmUps = run.knobs.integer("bench.p4.max-warm-ups", 5);
        int warmUps = 0;
        try {
            // The same burst, unmeasured, on other tenants, until the just-in-time compilers
            // are done with it: the figure is of a service that has run for a while. With one
            // burst, profiles of the measured one showed the compiler threads using about 60 %
            // of the replicas' CPU, on a machine with two cores for everything.
            double share = 1;
            while (warmUps < maxWarmUps && share >= QUIET_COMPILERS) {
                BenchRun.vacuum();
                try (ContentionScenario warmUp = new ContentionScenario(started, tokens, params)) {
                    CpuShares cpu = new CpuShares(started);
                    warmUp.run(cpu::start, cpu::stop);
                    share = cpu.compilerShare();
                    warmUps++;
                    System.out.printf("P4 warm-up burst %d on %d replica(s): %s%n", warmUps, replicas, cpu.summary());
                }
                waitForQuietCompilers(started);
            }
        } catch (Exception | AssertionError e) {
            BenchRun.stop(started);
            throw e;
        }
        BenchRun.vacuum();
        try (ContentionScenario s = new ContentionScenario(started, tokens, params)) {
            CpuShares cpu = new CpuShares(started);
            ContentionScenario.Figures f = s.run(cpu::start, cpu::stop);
            System.out.println("P4 CPU seconds from burst to quiet, " + replicas + " replica(s): " + cpu.summary()
                    + ", " + cpu.window());
            String tenant = s.team().tenantId();
            return new Measured(f, ContentionScenario.overCapacity(tenant), ContentionScenario.doubleAssignments(tenant),
                    cpu.summary(), warmUps, cpu.compilerShare());
        } finally {
            BenchRun.stop(started);
        }
    }

    /** Waits (up to 30 s) until the replicas' compiler threads use under 2 % of a core: what a burst queued is compiled. */
    private static void waitForQuietCompilers(List<Replica> replicas) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        double before = ProcStats.compilerCpuSeconds(replicas);
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            double now = ProcStats.compilerCpuSeconds(replicas);
            if (now - before < 0.01) {
                return;
            }
            before = now;
        }
    }
}
