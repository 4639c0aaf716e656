package io.switchboard.routing.live;

import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.switchboard.event.Publisher;
import io.switchboard.routing.AgentStatus;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The live-state scripts, deadlines and pub/sub against a real three-master Redis Cluster
 * (redis-server in cluster mode, private ports and files), through the client type an operator
 * sets with {@code quarkus.redis.client-type=cluster}. Cluster refuses a script whose keys span
 * slots (CROSSSLOT), which a standalone Redis never does: this is where the key spelling is
 * proven. Tenants are many, so their slots fall on every node.
 */
class RedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<Process> nodes = new ArrayList<>();
    private static final List<Integer> ports = new ArrayList<>();
    private static Path dir;
    private static Vertx vertx;
    private static Redis client;
    private static LiveAgents live;
    private static Deadlines deadlines;
    private static Publisher publisher;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeThat(onPath("redis-server") && onPath("redis-cli"))
                .as("redis-server and redis-cli (Debian's redis-server package) are needed to build a cluster").isTrue();
        dir = Files.createTempDirectory("switchboard-cluster-");
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            // The bus port defaults to port + 10000, which may be taken or past 65535: name one.
            int busPort = freePort();
            Path nodeDir = Files.createDirectories(dir.resolve("n" + port));
            Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPort), "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                    "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(nodeDir.resolve("log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            nodes.add(p);
            ports.add(port);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int port : ports) {
            create.add("127.0.0.1:" + port);
        }
        create.add("--cluster-yes");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> ports.stream().allMatch(p -> cli(p, "PING").contains("PONG")));
        Process created = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(dir.resolve("create.log").toFile()).start();
        assertThat(created.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(created.exitValue()).as(Files.readString(dir.resolve("create.log"))).isZero();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> ports.stream().allMatch(p -> cli(p, "CLUSTER", "INFO").contains("cluster_state:ok")));

        vertx = Vertx.vertx();
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
        for (int port : ports) {
            options.addConnectionString("redis://127.0.0.1:" + port);
        }
        client = Redis.createClient(vertx, options);
        ReactiveRedisDataSourceImpl ds = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        live = new LiveAgents(ds);
        deadlines = new Deadlines(ds);
        var ctor = Publisher.class.getDeclaredConstructor(io.quarkus.redis.datasource.ReactiveRedisDataSource.class);
        ctor.setAccessible(true);
        publisher = ctor.newInstance(ds);
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        for (Process p : nodes) {
            p.destroyForcibly();
        }
    }

    @Test
    void multiKeyClaimsAndSnapshotsRunOnEveryNode() {
        Set<String> servingNodes = new HashSet<>();
        for (int t = 0; t < 12; t++) {
            String tenant = UUID.randomUUID().toString();
            List<String> agents = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
            for (String a : agents) {
                assertThat(live.seed(tenant, a, AgentStatus.ONLINE, 2, 0).await().atMost(WAIT)).isTrue();
            }
            // Several keys in one script: refused with CROSSSLOT unless they share a slot.
            LiveAgents.Claims claims = live.claimInOrder(tenant, List.of(agents.get(0), agents.get(1), agents.get(0), agents.get(2)), 1L)
                    .await().atMost(WAIT);
            assertThat(claims.stoppedBy()).isEqualTo(LiveAgents.ClaimOutcome.CLAIMED);
            assertThat(claims.loads()).containsExactly(1, 1, 2, 1);
            List<LiveAgents.LiveState> states = live.snapshot(tenant, agents).await().atMost(WAIT);
            assertThat(states).extracting(LiveAgents.LiveState::load).containsExactly(2, 1, 1);
            assertThat(live.claim(tenant, agents.get(0), 2L).await().atMost(WAIT).outcome()).isEqualTo(LiveAgents.ClaimOutcome.REFUSED);
            assertThat(live.forceClaim(tenant, agents.get(0), 3L).await().atMost(WAIT).load()).isEqualTo(3);
            assertThat(live.release(tenant, agents.get(0)).await().atMost(WAIT)).isTrue();
            // The reconciler's read of every agent's figures is one script over all their keys.
            List<LiveAgents.Figures> figures = live.figures(tenant, agents).await().atMost(WAIT);
            assertThat(figures).extracting(f -> f.state().load()).containsExactly(2, 1, 1);
            assertThat(live.correctLoad(tenant, agents.get(1), figures.get(1).generation(), -1).await().atMost(WAIT)).isTrue();
            assertThat(live.setStatus(tenant, agents.get(2), AgentStatus.BREAK).await().atMost(WAIT)).isTrue();

            deadlines.set(tenant, "close:c1", 10).await().atMost(WAIT);
            deadlines.setIfAbsent(tenant, "close:c1", 99).await().atMost(WAIT);
            List<Deadlines.Due> due = deadlines.due(tenant, 50, 10).await().atMost(WAIT);
            assertThat(due).extracting(Deadlines.Due::member).containsExactly("close:c1");
            // Claiming takes the deadline and its count of tries in one script: two keys, one slot.
            assertThat(deadlines.claim(tenant, due.get(0), 50, 1_000, 60_000).await().atMost(WAIT)).isPresent();
            deadlines.remove(tenant, "close:c1").await().atMost(WAIT);

            servingNodes.add(nodeOf(RedisKeys.agent(tenant, agents.get(0))));
        }
        assertThat(servingNodes).as("tenants whose keys live on each of the three masters").hasSize(3);
    }

    @Test
    void framesPublishedOnAnyNodeReachASubscriberOnAnother() {
        // The replica's subscriber holds one plain connection to the first host (RedisSubscriber):
        // classic PUBLISH in a cluster is forwarded to every node, so that is enough.
        String tenant = UUID.randomUUID().toString();
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            channels.add(RedisKeys.visitorChannel(tenant, UUID.randomUUID().toString()));
        }
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Redis plain = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + ports.get(0)));
        RedisConnection sub = plain.connect().await().atMost(WAIT);
        try {
            sub.handler(push -> {
                if (push.size() == 3 && "message".equals(push.get(0).toString())) {
                    received.add(push.get(1).toString() + "|" + push.get(2).toString());
                }
            });
            Request subscribe = Request.cmd(Command.SUBSCRIBE);
            channels.forEach(subscribe::arg);
            sub.send(subscribe).await().atMost(WAIT);

            String visitor = channels.get(0).substring(channels.get(0).lastIndexOf(':') + 1);
            publisher.toVisitor(tenant, visitor, "{\"type\":\"notice\"}").await().atMost(WAIT);
            List<Publisher.Delivery> batch = new ArrayList<>();
            for (String ch : channels) {
                batch.add(publisher.visitor(tenant, ch.substring(ch.lastIndexOf(':') + 1), "{\"type\":\"typing\"}"));
            }
            publisher.together(batch).await().atMost(WAIT);

            List<String> got = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                received.drainTo(got);
                return got.size() >= 1 + channels.size();
            });
            assertThat(got).hasSize(1 + channels.size());
            assertThat(got.get(0)).startsWith(channels.get(0) + "|").contains("notice");
            assertThat(got.subList(1, got.size())).extracting(s -> s.substring(0, s.indexOf('|'))).containsExactlyElementsOf(channels);
        } finally {
            sub.close();
            plain.close();
        }
    }

    /** The port of the master serving the key's slot. */
    private static String nodeOf(String key) {
        String slot = cli(ports.get(0), "CLUSTER", "KEYSLOT", key).trim();
        for (int port : ports) {
            if (cli(port, "CLUSTER", "COUNTKEYSINSLOT", slot).trim().matches("[1-9]\\d*")) {
                return Integer.toString(port);
            }
        }
        return "none";
    }

    private static String cli(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
