package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit for message appends and conversation starts. Each statement runs alone while fewer than
 * {@code groupsInFlight} of its kind are running; beyond that, appends wait and go out
 * together as one pipelined batch of the same statement, which PostgreSQL runs as one
 * implicit transaction with one commit. On a small machine the commit, not the insert, is
 * what costs: this trades a little waiting under load for far fewer commits, and costs
 * nothing when the load is light (every append still goes out at once).
 *
 * <p>What the statement guarantees alone it guarantees in a group: the appends of a group
 * run one after another and each sees the ones before it, so sequence numbers stay in
 * arrival order and a clientId repeated within a group is found as a duplicate. Every
 * caller is answered only after the group's commit, so acks and events still follow the
 * commit.
 */
@ApplicationScoped
class GroupCommit {

    private final Pool pool;
    private final int groupsInFlight;
    private final int maxGroup;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile int largestGroup;

    GroupCommit(Pool pool,
                @ConfigProperty(name = "switchboard.messages.groups-in-flight", defaultValue = "2") int groupsInFlight,
                @ConfigProperty(name = "switchboard.messages.max-group", defaultValue = "64") int maxGroup) {
        this.pool = pool;
        this.groupsInFlight = Math.max(1, groupsInFlight);
        this.maxGroup = Math.max(1, maxGroup);
    }

    /**
     * Runs the statement with these arguments, alone or in a group; {@code conversationId} is
     * the row it updates, which orders a group (see {@link Lane#send}), or null for a statement
     * that only inserts new rows: its group keeps arrival order. Lazy like any Uni: each
     * subscription, a retry included, runs the statement again.
     */
    Uni<RowSet<Row>> execute(String sql, Tuple args, UUID conversationId) {
        return Uni.createFrom().emitter(emitter -> lanes.computeIfAbsent(sql, Lane::new)
                .submit(new Pending(args, conversationId, emitter, Vertx.currentContext())));
    }

    /** The most appends sent in one group since start: for tests, which must know they exercised grouping. */
    int largestGroup() {
        return largestGroup;
    }

    /** The same for one statement text. */
    int largestGroup(String sql) {
        Lane lane = lanes.get(sql);
        return lane == null ? 0 : lane.largest;
    }

    private record Pending(Tuple args, UUID conversationId, UniEmitter<? super RowSet<Row>> emitter, Context context) {

        // The answer goes back on the caller's own context (its socket's event loop), not the
        // one that happened to send the group.
        void succeed(RowSet<Row> rows) {
            onCallerContext(() -> emitter.complete(rows));
        }

        void fail(Throwable failure) {
            onCallerContext(() -> emitter.fail(failure));
        }

        private void onCallerContext(Runnable action) {
            if (context == null || context == Vertx.currentContext()) {
                action.run();
            } else {
                context.runOnContext(v -> action.run());
            }
        }
    }

    /** The appends of one statement text: those waiting, and how many groups are running. */
    private final class Lane {
        private final String sql;
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private int inFlight;
        private volatile int largest;

        Lane(String sql) {
            this.sql = sql;
        }

        void submit(Pending p) {
            List<Pending> group;
            synchronized (this) {
                waiting.add(p);
                if (inFlight >= groupsInFlight) {
                    // Goes out with the group sent when a running one completes.
                    return;
                }
                group = take();
            }
            send(group);
        }

        /** The next group, oldest first; the caller holds the lock. */
        private List<Pending> take() {
            List<Pending> group = new ArrayList<>(Math.min(waiting.size(), maxGroup));
            while (!waiting.isEmpty() && group.size() < maxGroup) {
                group.add(waiting.poll());
            }
            inFlight++;
            if (group.size() > largestGroup) {
                largestGroup = group.size();
            }
            if (group.size() > largest) {
                largest = group.size();
            }
            return group;
        }

        private void send(List<Pending> group) {
            if (group.size() == 1) {
                alone(group.get(0), true);
                return;
            }
            // Every group takes its conversations' row locks in one order (a stable sort keeps
            // arrival order within a conversation), so two groups in flight never deadlock.
            // Inserts of new rows lock nothing another group waits for: they keep arrival order.
            if (group.get(0).conversationId() != null) {
                group.sort(Comparator.comparing(Pending::conversationId));
            }
            List<Tuple> batch = new ArrayList<>(group.size());
            for (Pending p : group) {
                batch.add(p.args());
            }
            pool.preparedQuery(sql).executeBatch(batch).subscribe().with(first -> {
                done();
                RowSet<Row> rows = first;
                for (Pending p : group) {
                    p.succeed(rows);
                    rows = rows.next();
                }
            }, failure -> {
                done();
                // One append failed (a clientId racing on another connection, a deadlock with an
                // unrelated transaction...) and the whole group rolled back: run each alone, so only
                // that one sees its error.
                for (Pending p : group) {
                    alone(p, false);
                }
            });
        }

        /** One append as its own statement; {@code counted} when it holds one of the lane's in-flight places. */
        private void alone(Pending p, boolean counted) {
            pool.preparedQuery(sql).execute(p.args()).subscribe().with(rows -> {
                if (counted) {
                    done();
                }
                p.succeed(rows);
            }, failure -> {
                if (counted) {
                    done();
                }
                p.fail(failure);
            });
        }

        /** A group completed: send what waited meanwhile. */
        private void done() {
            List<Pending> next;
            synchronized (this) {
                inFlight--;
                if (waiting.isEmpty()) {
                    return;
                }
                next = take();
            }
            send(next);
        }
    }
}
