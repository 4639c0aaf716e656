package io.switchboard.it.bench;

import io.switchboard.it.Replica;
import io.switchboard.testing.Fixtures;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * What one message cost while a scenario ran at a fixed rate: CPU of the replicas, of
 * PostgreSQL and of Redis, and the transactions the bench database committed, each divided
 * by the messages sent. Unlike a latency tail, these hardly move with the machine's stalls, so
 * two versions of the message path compare by them even when the tails are noise. PostgreSQL's
 * and Redis's CPU count every database and client on the machine; the commits count only the
 * bench database.
 */
record MessageCost(double replicaCpuMicros, double postgresCpuMicros, double redisCpuMicros, double commits, long messages) {

    /** The commit counter is flushed by each backend at most once a second (PostgreSQL 15). */
    private static final Duration STATS_FLUSH = Duration.ofMillis(1_500);

    static Meter start(List<Replica> replicas) {
        Meter m = new Meter(new CpuShares(replicas));
        BenchRun.pause(STATS_FLUSH);
        m.commitsBefore = committedSoFar();
        m.cpu.start();
        return m;
    }

    String describe() {
        return String.format("Cost per message in the measured part (%,d messages): replica CPU %.0f µs, PostgreSQL CPU %.0f µs, "
                        + "Redis CPU %.0f µs (these two count every client on the machine), PostgreSQL commits %.2f "
                        + "(bench database only).", messages, replicaCpuMicros, postgresCpuMicros, redisCpuMicros, commits);
    }

    static final class Meter {
        private final CpuShares cpu;
        private long commitsBefore;

        private Meter(CpuShares cpu) {
            this.cpu = cpu;
        }

        MessageCost stop(long messages) {
            cpu.stop();
            BenchRun.pause(STATS_FLUSH);
            long commits = committedSoFar() - commitsBefore;
            double n = Math.max(1, messages);
            return new MessageCost(cpu.spent("replicas") * 1e6 / n, cpu.spent("postgres") * 1e6 / n,
                    cpu.spent("redis") * 1e6 / n, commits / n, messages);
        }
    }

    private static long committedSoFar() {
        try (Connection c = Fixtures.connect(); Statement s = c.createStatement()) {
            s.execute("select pg_stat_clear_snapshot()");
            try (ResultSet r = s.executeQuery("select xact_commit from pg_stat_database where datname = current_database()")) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bench database's commit count", e);
        }
    }
}
