package io.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A staff resume is streamed in bounded pages with back-pressure (docs/protocol.md, "Resume"):
 * 500 conversations of 1,000 messages each arrive complete and in order per conversation, the
 * replica's heap stays bounded while they do, and the socket answers other frames meanwhile.
 */
@QuarkusTest
class ResumeBoundsTest {

    private static final int CONVERSATIONS = 500;
    private static final int MESSAGES = 1000;
    /** What a whole history held in memory at once would take: 500,000 frames of about 350 bytes. */
    private static final long HEAP_BOUND = 64L * 1024 * 1024;

    @TestHTTPResource("/")
    URL base;

    @Test
    void aResumeOfFiveHundredLongHistoriesKeepsTheHeapBoundedAndTheSocketResponsive() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        // A live conversation, its visitor and its agent on other sockets of the same replica.
        WsClient agent = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
        WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
        String live = Chat.send(visitor, null, clientId(), "hello").path("conversationId").asText();
        Chat.received(visitor, type("assigned", live));
        long started = System.nanoTime();
        List<String> ids = seed(team);
        System.out.printf("seeded %d x %d messages in %d ms%n", CONVERSATIONS, MESSAGES, (System.nanoTime() - started) / 1_000_000);
        try (agent; visitor) {
            long baseline = usedAfterGc();
            Stream stream = Stream.open(Chat.base(base), admin);
            HeapSampler sampler = new HeapSampler();
            sampler.start();
            try {
                List<Map<String, Object>> cursors = new ArrayList<>();
                ids.forEach(id -> cursors.add(Map.of("conversationId", id, "lastSeq", 0)));
                stream.send(Chat.frame("resume", "cursors", cursors));

                long resumeSent = System.nanoTime();
                stream.awaitFrames(50_000, Duration.ofMinutes(2));

                // Well into the resume, the replica serves its other sockets promptly: the
                // visitor's message is stored and reaches the agent.
                long sentAt = System.nanoTime();
                Chat.send(visitor, live, clientId(), "are you there?");
                agent.await(f -> "are you there?".equals(f.path("text").asText()), Chat.WAIT);
                System.out.printf("live message visitor -> agent during the resume: %d ms%n", (System.nanoTime() - sentAt) / 1_000_000);

                // And the resuming socket itself answers a message: its ack comes long before the
                // resume's end (it waits only for the frames already in the socket's buffers).
                String ref = clientId();
                stream.send(Chat.frame("message", "conversationId", live, "clientId", ref, "text", "still with you"));
                long ackedAfter = stream.awaitAck(ref, Duration.ofMinutes(2));

                stream.awaitClosedFrames(CONVERSATIONS, Duration.ofMinutes(5));
                System.out.printf("resume of %d frames in %d ms; ack after frame %d%n", stream.resumeFrames.get(),
                        (System.nanoTime() - resumeSent) / 1_000_000, ackedAfter);
                // The ack overtook most of the resume: it was answered beside it, not after it.
                assertThat(stream.resumeFrames.get() - ackedAfter).isGreaterThan(100_000);
            } finally {
                sampler.stop();
                stream.close();
            }
            System.out.printf("heap in use after GC grew by at most %d KiB during the resume%n", (sampler.max - baseline) >> 10);
            assertThat(stream.failures).isEmpty();
            assertThat(stream.lastSeq).hasSize(CONVERSATIONS);
            assertThat(stream.lastSeq.values()).allMatch(seq -> seq == MESSAGES);
            assertThat(stream.resumeFrames.get()).isEqualTo((long) CONVERSATIONS * (MESSAGES + 1));
            assertThat(sampler.max - baseline)
                    .as("heap used after GC grew by %d MiB during the resume", (sampler.max - baseline) >> 20)
                    .isLessThan(HEAP_BOUND);
        } finally {
            unseed(team);
            Chat.retire(team.tenantId());
        }
    }

    /** 500 closed conversations of 1,000 messages each, written by PostgreSQL itself in a few statements. */
    private static List<String> seed(Fixtures.Team team) throws SQLException {
        UUID tenant = UUID.fromString(team.tenantId());
        try (Connection c = Fixtures.connect()) {
            c.setAutoCommit(false);
            exec(c, "insert into visitors (id, tenant_id, channel_id, name) select gen_random_uuid(), ?, ?, 'seeded' "
                    + "from generate_series(1, " + CONVERSATIONS + ")", tenant, UUID.fromString(team.channelId()));
            exec(c, "insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, last_seq, closed_at, close_reason) "
                    + "select gen_random_uuid(), tenant_id, channel_id, id, ?, 'closed', " + MESSAGES + ", now(), 'agent' "
                    + "from visitors where tenant_id = ? and name = 'seeded'", UUID.fromString(team.groupId()), tenant);
            exec(c, "insert into messages (tenant_id, conversation_id, seq, sender_kind, sender_id, text) "
                    + "select c.tenant_id, c.id, s, 'visitor', c.visitor_id, s || ' ' || repeat('a long enough line of history ', 7) "
                    + "from conversations c join visitors v on v.id = c.visitor_id and v.name = 'seeded', generate_series(1, " + MESSAGES + ") s "
                    + "where c.tenant_id = ?", tenant);
            c.commit();
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select c.id from conversations c join visitors v on v.id = c.visitor_id "
                    + "where c.tenant_id = ? and v.name = 'seeded' order by c.id")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        }
    }

    private static void unseed(Fixtures.Team team) throws SQLException {
        UUID tenant = UUID.fromString(team.tenantId());
        try (Connection c = Fixtures.connect()) {
            String seeded = "(select c.id from conversations c join visitors v on v.id = c.visitor_id where c.tenant_id = ? and v.name = 'seeded')";
            exec(c, "delete from messages where conversation_id in " + seeded, tenant);
            exec(c, "delete from conversations where id in " + seeded, tenant);
            exec(c, "delete from visitors where tenant_id = ? and name = 'seeded'", tenant);
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Heap in use after a full collection: what the replica (sharing this JVM) holds on to. */
    private static long usedAfterGc() {
        ManagementFactory.getMemoryMXBean().gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Measures the retained heap every second while the resume runs. */
    private static final class HeapSampler {
        private volatile boolean running = true;
        private volatile long max;
        private final Thread thread = new Thread(() -> {
            while (running) {
                max = Math.max(max, usedAfterGc());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(10_000);
        }
    }

    /**
     * A staff socket client that keeps nothing of the frames but counts: per conversation the
     * last seq (each must be the one before plus one), and the frames of the resume.
     */
    private static final class Stream implements AutoCloseable {
        private static final ObjectMapper MAPPER = new ObjectMapper();
        private final Map<String, Integer> lastSeq = new HashMap<>();
        private final List<String> failures = new ArrayList<>();
        private final AtomicLong resumeFrames = new AtomicLong();
        private final AtomicLong closedFrames = new AtomicLong();
        private final Map<String, Long> acks = new java.util.concurrent.ConcurrentHashMap<>();
        private WebSocket socket;

        static Stream open(String base, String jwt) {
            Stream s = new Stream();
            s.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/ws/agent?token=" + jwt), s.listener()).join();
            return s;
        }

        private WebSocket.Listener listener() {
            return new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        frame(partial.toString());
                        partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }
            };
        }

        private synchronized void frame(String text) {
            JsonNode f;
            try {
                f = MAPPER.readTree(text);
            } catch (Exception e) {
                failures.add("unparseable: " + text);
                return;
            }
            String type = f.path("type").asText();
            String conversation = f.path("conversationId").asText();
            switch (type) {
                case "message" -> {
                    if (f.path("text").asText().equals("still with you")) {
                        return;
                    }
                    int seq = f.path("seq").asInt();
                    Integer before = lastSeq.put(conversation, seq);
                    if (seq != (before == null ? 1 : before + 1)) {
                        failures.add(conversation + ": seq " + seq + " after " + before);
                    }
                    resumeFrames.incrementAndGet();
                }
                case "closed" -> {
                    if (lastSeq.getOrDefault(conversation, 0) != MESSAGES) {
                        failures.add(conversation + ": closed after seq " + lastSeq.get(conversation));
                    }
                    resumeFrames.incrementAndGet();
                    closedFrames.incrementAndGet();
                }
                case "ack" -> acks.put(f.path("clientId").asText(), resumeFrames.get());
                case "error" -> failures.add("error: " + text);
                default -> { }
            }
        }

        void send(Object frame) throws Exception {
            socket.sendText(MAPPER.writeValueAsString(frame), true).get(5, TimeUnit.SECONDS);
        }

        void awaitFrames(long n, Duration timeout) throws InterruptedException {
            waitUntil(() -> resumeFrames.get() >= n, timeout, "resume frames: " + n);
        }

        void awaitClosedFrames(long n, Duration timeout) throws InterruptedException {
            waitUntil(() -> closedFrames.get() >= n, timeout, "closed frames: " + n);
        }

        /** @return how many resume frames had arrived when the ack did */
        long awaitAck(String ref, Duration timeout) throws InterruptedException {
            waitUntil(() -> acks.containsKey(ref), timeout, "ack of " + ref);
            return acks.get(ref);
        }

        private void waitUntil(java.util.function.BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + timeout + " for " + what + "; got " + resumeFrames.get()
                            + " resume frames; failures: " + failures.stream().limit(5).toList());
                }
                Thread.sleep(20);
            }
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }
}
