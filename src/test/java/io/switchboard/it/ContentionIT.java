package io.switchboard.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.switchboard.it.ContentionScenario.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4 "Proof" (FEATURES B2/B4, the correctness half of benchmark P4): two packaged
 * replicas on one PostgreSQL and one Redis (a private redis-server); 200 agents of capacity 5
 * in two groups, all online with their consoles open; 1,000 new conversations from visitor
 * sockets within one second, half through each replica. Afterwards PostgreSQL must show
 * nobody over their limit, nobody assigned twice, and, as capacity equals demand, everyone
 * served; Redis's live loads must equal PostgreSQL's counts. The speed is printed (it is the
 * P4 figure) but never asserted: speed is for the benchmarks, and a slow machine must not fail CI.
 */
class ContentionIT {

    /**
     * PostgreSQL connections per replica: the dispatch of a group runs one round at a time, so a
     * few suffice, and two replicas stay well inside a default max_connections of 100 shared with
     * the test's own connections and whatever else runs on the machine.
     */
    private static final String POOL = System.getProperty("it.db-pool-size", "8");

    private static PackagedApp app;
    private static PrivateRedis redis;
    private static Replica a;
    private static Replica b;

    @BeforeAll
    static void start() {
        redis = PrivateRedis.start();
        app = PackagedApp.prepare();
        a = new Replica("A", app, "it-contention-a.log").withEnv("REDIS_URL", redis.url()).withEnv("DB_POOL_SIZE", POOL);
        b = new Replica("B", app, "it-contention-b.log").withEnv("REDIS_URL", redis.url()).withEnv("DB_POOL_SIZE", POOL);
        if (Boolean.getBoolean("switchboard.it.full-jit")) {
            // For a P4 figure worth quoting (-Dswitchboard.it.full-jit=true): the optimising compiler, as in production.
            a.withEnv("SWITCHBOARD_IT_FULL_JIT", "true");
            b.withEnv("SWITCHBOARD_IT_FULL_JIT", "true");
        }
        Replicas.launch(a, b);
    }

    @AfterAll
    static void stop() {
        Replicas.stop(app, a, b);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void thousandConversationsOverTwoReplicasNeverOverAssign() throws Exception {
        ContentionScenario.Params p = ContentionScenario.Params.p4();
        try (ContentionScenario scenario = new ContentionScenario(List.of(a, b), new StaffTokens(app.keys()), p);
             RedisProbe probe = redis.probe()) {
            ContentionScenario.Figures figures = scenario.run();
            String tenant = scenario.team().tenantId();

            assertThat(scenario.conversations()).as("one conversation per visitor").hasSize(p.conversations());
            assertThat(count("select count(*) from conversations where tenant_id = ?", tenant)).isEqualTo(p.conversations());

            // Capacity equals demand: everyone is served (the sweep, every 5 s, is the safety net).
            assertThat(figures.assigned()).as("assigned").isEqualTo(p.servable());
            assertThat(figures.queued()).as("still queued").isEqualTo(p.conversations() - p.servable());

            assertThat(ContentionScenario.overCapacity(tenant)).as("agents over their limit").isZero();
            assertThat(ContentionScenario.doubleAssignments(tenant)).as("conversations assigned twice in a row").isZero();
            assertThat(ContentionScenario.inconsistentStates(tenant)).as("conversations neither open with an assignee nor queued").isZero();
            assertThat(count("""
                    select count(*) from conversations c where c.tenant_id = ? and c.state = 'open'
                    and (select count(*) from conversation_events e where e.conversation_id = c.id and e.kind = 'assigned'
                         and e.data->>'chosen' = c.assignee_id::text) <> 1""", tenant))
                    .as("open conversations without exactly one 'assigned' event naming their assignee").isZero();
            assertThat(count("select count(*) from conversation_events where tenant_id = ? and kind = 'assigned'", tenant))
                    .as("'assigned' events").isEqualTo(p.servable());
            Map<String, Long> open = ContentionScenario.openPerAgent(tenant);
            assertThat(open.values()).as("every agent is full").allMatch(n -> n == p.capacity());

            // Redis's live loads are PostgreSQL's counts, agent by agent.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(ContentionScenario.loadMismatches(tenant, probe)).as("live loads off PostgreSQL").isEmpty());
            // ...by themselves: without a Redis incident, a load the reconciler had to correct is a claim or release gone wrong.
            for (Replica r : List.of(a, b)) {
                assertThat(r.logText().lines().filter(l -> l.contains("corrected") && l.contains(tenant)))
                        .as("drift corrections for this tenant logged by replica %s", r.name).isEmpty();
            }

            // Both sides heard it, through whichever replica holds their socket.
            Map<String, String> assignees = ContentionScenario.assignees(tenant);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (ContentionScenario.Visitor v : scenario.visitors()) {
                    assertThat(v.assignedTo).as("agent announced to visitor %d", v.index).isEqualTo(assignees.get(v.conversationId));
                }
                for (ContentionScenario.Console c : scenario.consoles()) {
                    Set<String> theirs = assignees.entrySet().stream().filter(e -> e.getValue().equals(c.agent.id()))
                            .map(Map.Entry::getKey).collect(Collectors.toSet());
                    assertThat(c.assigned).as("conversations announced to %s", c.agent.name()).isEqualTo(theirs);
                }
            });

            long[] heard = scenario.heardAssignmentMicros();
            System.out.printf("P4 as the visitors heard it: send to 'assigned' p50 %.1f ms, p99 %.1f ms (%d visitors)%n",
                    ContentionScenario.percentileMillis(heard, 0.5), ContentionScenario.percentileMillis(heard, 0.99), heard.length);
        }
    }
}
