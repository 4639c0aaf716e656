package io.switchboard.it.bench;

/** One benchmark of ../shared/BENCHMARKS.md: measures the service and its baseline in the same run. */
interface Scenario {

    /** P1, P2...: what {@code -Dbench.only} names. */
    String id();

    String title();

    ScenarioReport run(BenchRun run) throws Exception;
}
