package io.switchboard.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.conversation.VisibilitySql;
import io.switchboard.it.Replica;
import io.switchboard.search.SearchTokens;
import io.switchboard.security.Caller;
import io.switchboard.testing.Fixtures;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import static io.switchboard.it.bench.ScenarioReport.f;
import static io.switchboard.it.bench.ScenarioReport.ratio;

/**
 * P7, search (C5): a tenant with {@code bench.p7.messages} stored messages (1,000,000 at full
 * size) in {@code bench.p7.conversations} conversations (10,000), Chinese and English, each
 * conversation with an order number. Searched over REST one request at a time, as a
 * supervisor (the whole tenant) and as an agent whose own conversations are one in a hundred,
 * for a two-character Chinese word inside longer texts (退款, in about 2 % of the messages) and
 * for one order number. The baseline is the query other products run, {@code ILIKE
 * '%word%'} over the same rows with the same visibility, timed in PostgreSQL alone (no HTTP,
 * no JSON): the ratio says how much faster the index answers than a scan.
 *
 * <p>The messages are written straight into PostgreSQL with the lexemes the service computes
 * ({@link SearchTokens}), as if the service had stored them; the replica is started after.
 */
final class P7Search implements Scenario {

    private static final String[] CHINESE = {
            "您好，请问我的订单什么时候发货？", "我想办理退货退款手续，请帮我看一下", "运费怎么算，可以包邮吗", "发票已经开好了吗",
            "这个颜色还有货吗", "快递一直没有更新物流信息", "收到的商品有破损", "谢谢，问题已经解决了", "可以修改收货地址吗",
            "会员积分怎么使用", "优惠券用不了", "请问客服几点下班"};
    private static final String REFUND = "退款";
    private static final String[] ENGLISH = {
            "Hello, where is my parcel?", "Could you check the delivery date please", "The package arrived damaged",
            "Thanks for the quick help", "Can I change the shipping address?", "My coupon does not apply at checkout",
            "Which sizes are still in stock?", "I was charged twice for the same order"};

    @Override
    public String id() {
        return "P7";
    }

    @Override
    public String title() {
        return "Search";
    }

    /** One search measured: the service's latencies and the ILIKE baseline's, in milliseconds. */
    record Measured(Percentiles.Sorted service, Percentiles.Sorted baseline, int hits) {}

    @Override
    public ScenarioReport run(BenchRun run) throws Exception {
        Knobs k = run.knobs;
        int messages = k.integer("bench.p7.messages", 200_000, 1_000_000);
        int conversations = k.integer("bench.p7.conversations", 2_000, 10_000);
        int queries = k.integer("bench.p7.queries", 100);
        // The replica first: it brings the schema up to date before the rows are written.
        List<Replica> replicas = run.startReplicas("p7", 1);
        Measured wordTenant;
        Measured wordAgent;
        Measured orderTenant;
        Measured orderAgent;
        Fixtures.Team team = Fixtures.team(2, 50);
        Fixtures.Agent own = team.agents().get(0);
        Fixtures.Agent rest = team.agents().get(1);
        double loadSeconds;
        try {
            long t0 = System.nanoTime();
            String order = load(team, own, rest, messages, conversations);
            loadSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("P7: %,d messages in %,d conversations loaded in %.0f s%n", messages, conversations, loadSeconds);
            Replica r = replicas.get(0);
            String supervisor = Rest.login(r, team.adminEmail());
            String agent = Rest.login(r, own.email());
            Caller supervisorCaller = new Caller(team.tenantId(), UUID.randomUUID().toString(), Caller.Kind.STAFF,
                    Set.of("admin", "supervisor"), "Admin", null);
            Caller agentCaller = new Caller(team.tenantId(), own.id(), Caller.Kind.STAFF, Set.of("agent"), "Agent 1", null);
            wordTenant = measure(r, supervisor, supervisorCaller, team.tenantId(), REFUND, queries);
            wordAgent = measure(r, agent, agentCaller, team.tenantId(), REFUND, queries);
            orderTenant = measure(r, supervisor, supervisorCaller, team.tenantId(), order, queries);
            orderAgent = measure(r, agent, agentCaller, team.tenantId(), order, queries);
        } finally {
            BenchRun.stop(replicas);
        }

        boolean full = messages >= 1_000_000;
        ScenarioReport report = new ScenarioReport(id(), title());
        row(report, "2-character Chinese word (" + REFUND + "), tenant-wide, p95", "<= 200 ms", wordTenant, 200, full);
        row(report, "2-character Chinese word (" + REFUND + "), agent's own, p95", "<= 50 ms", wordAgent, 50, full);
        row(report, "order number, tenant-wide, p95", "<= 200 ms", orderTenant, 200, full);
        row(report, "order number, agent's own, p95", "<= 50 ms", orderAgent, 50, full);
        report.note(String.format("%,d messages in %,d conversations (full size: `-Dbench.full=true`, 1,000,000 in 10,000), "
                        + "Chinese and English, written with the service's lexemes in %.0f s; %d requests per search, one at a "
                        + "time, after %d warm-ups; the agent's own conversations are one in a hundred. Hits per first page: "
                        + "word %d/%d, order number %d/%d (tenant/agent).", messages, conversations, loadSeconds, queries,
                queries / 5, wordTenant.hits(), wordAgent.hits(), orderTenant.hits(), orderAgent.hits()));
        report.note(sizes());
        report.note("Service: `GET /api/v1/search?q=` over HTTP, first page (50 messages, newest first, and the contacts). "
                + "Baseline: the same page by `text ILIKE '%q%'` with the same visibility predicate, timed in PostgreSQL "
                + "alone over JDBC; the ratio is service over baseline (below 1: the index answers faster than the scan, "
                + "HTTP and JSON included).");
        return report;
    }

    /** What the index costs on disk at this size: the GIN index over the lexemes, next to the messages. */
    private static String sizes() {
        try (Connection c = Fixtures.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     select pg_size_pretty(pg_relation_size('messages_search_idx')), pg_size_pretty(pg_table_size('messages')),
                            pg_size_pretty(pg_indexes_size('messages'))""")) {
            rs.next();
            return "On disk: the GIN index over the lexemes " + rs.getString(1) + "; messages (lexemes included) "
                    + rs.getString(2) + " with all their indexes " + rs.getString(3) + ".";
        } catch (SQLException e) {
            return "On disk: not measured (" + e.getMessage() + ").";
        }
    }

    private static void row(ScenarioReport r, String measure, String target, Measured m, double limitMs, boolean full) {
        double p95 = m.service().ms(.95);
        r.row(measure, target, f(p95, 1) + " ms (p50 " + f(m.service().p50(), 1) + ")",
                f(m.baseline().ms(.95), 1) + " ms (p50 " + f(m.baseline().p50(), 1) + ")",
                ratio(p95, m.baseline().ms(.95)), full ? p95 <= limitMs : null);
    }

    private Measured measure(Replica r, String token, Caller caller, String tenantId, String q, int n) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        URI uri = URI.create(r.base() + "/api/v1/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).GET().build();
        Percentiles service = new Percentiles(n);
        int hits = 0;
        for (int i = -n / 5; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            long micros = (System.nanoTime() - start) / 1000;
            if (res.statusCode() != 200) {
                throw new IllegalStateException("search answered " + res.statusCode() + ": " + res.body());
            }
            if (i >= 0) {
                service.add(micros);
            } else if (i == -1) {
                JsonNode body = json.readTree(res.body());
                hits = body.path("messages").size();
            }
        }
        Percentiles baseline = new Percentiles(n);
        // The visibility predicate with the tenant and the caller as literals: both are ids this benchmark made.
        String sql = """
                select m.id, m.conversation_id, m.seq, m.text, m.created_at
                from messages m join conversations c on c.id = m.conversation_id
                where m.tenant_id = ?::uuid and c.tenant_id = ?::uuid and m.text ilike ? and """
                + VisibilitySql.forCaller(caller, "c", "'" + UUID.fromString(tenantId) + "'::uuid",
                "'" + UUID.fromString(caller.id()) + "'::uuid") + """

                order by m.id desc limit 50""";
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            ps.setString(2, tenantId);
            ps.setString(3, "%" + q + "%");
            for (int i = -n / 5; i < n; i++) {
                long start = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(4);
                    }
                }
                if (i >= 0) {
                    baseline.add((System.nanoTime() - start) / 1000);
                }
            }
        }
        return new Measured(service.snapshot(), baseline.snapshot(), hits);
    }

    /**
     * Writes the conversations and messages: one in a hundred conversations is the agent's own,
     * in the team's group; the others belong to a second group and channel the agent does not
     * serve. Answers one order number to search for, from the agent's own conversations.
     */
    private static String load(Fixtures.Team team, Fixtures.Agent own, Fixtures.Agent rest, int messages, int conversations)
            throws SQLException {
        UUID tenant = UUID.fromString(team.tenantId());
        UUID otherGroup = UUID.randomUUID();
        UUID otherChannel = UUID.randomUUID();
        SplittableRandom random = new SplittableRandom(7);
        int perConversation = Math.max(2, messages / conversations);
        String searched = null;
        try (Connection c = Fixtures.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("insert into agent_groups (id, tenant_id, name) values ('" + otherGroup + "', '" + tenant + "', 'Other')");
                s.execute("insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values ('" + otherChannel
                        + "', '" + tenant + "', 'web', 'Other', 'p7-" + otherChannel + "', 'p7-secret', '" + otherGroup + "')");
                s.execute("delete from group_members where agent_id = '" + rest.id() + "'");
                s.execute("insert into group_members (group_id, agent_id, tenant_id) values ('" + otherGroup + "', '" + rest.id()
                        + "', '" + tenant + "')");
            }
            c.commit();
            try (PreparedStatement visitor = c.prepareStatement(
                    "insert into visitors (id, tenant_id, channel_id, name) values (?::uuid, ?::uuid, ?::uuid, ?)");
                 PreparedStatement conversation = c.prepareStatement("""
                         insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, assignee_id, last_seq,
                           created_at, closed_at, close_reason)
                         values (?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, 'closed', ?::uuid, ?, now() - make_interval(days => ?),
                           now() - make_interval(days => ?), 'agent')""");
                 PreparedStatement message = c.prepareStatement("""
                         insert into messages (tenant_id, conversation_id, seq, sender_kind, sender_id, text, internal, search,
                           created_at)
                         values (?::uuid, ?::uuid, ?, ?, ?::uuid, ?, false, array_to_tsvector(?::text[]),
                           now() - make_interval(days => ?))""")) {
                int pending = 0;
                for (int i = 0; i < conversations; i++) {
                    boolean mine = i % 100 == 0;
                    UUID id = UUID.randomUUID();
                    UUID v = UUID.randomUUID();
                    int daysAgo = conversations - i > 365 ? 365 : conversations - i;
                    visitor.setString(1, v.toString());
                    visitor.setString(2, tenant.toString());
                    visitor.setString(3, mine ? team.channelId() : otherChannel.toString());
                    visitor.setString(4, "Visitor " + i);
                    visitor.executeUpdate();
                    conversation.setString(1, id.toString());
                    conversation.setString(2, tenant.toString());
                    conversation.setString(3, mine ? team.channelId() : otherChannel.toString());
                    conversation.setString(4, v.toString());
                    conversation.setString(5, mine ? team.groupId() : otherGroup.toString());
                    conversation.setString(6, mine ? own.id() : rest.id());
                    conversation.setInt(7, perConversation);
                    conversation.setInt(8, daysAgo);
                    conversation.setInt(9, daysAgo);
                    conversation.executeUpdate();
                    String orderNumber = "SO-" + LocalDate.of(2026, 1, 1).plusDays(i % 365).toString().replace("-", "")
                            + "-" + String.format("%04d", i % 10_000);
                    if (mine) {
                        // The agent's newest: searched for on both sides, it lies in their own conversations.
                        searched = orderNumber;
                    }
                    int orderAt = 1 + random.nextInt(perConversation);
                    for (int seq = 1; seq <= perConversation; seq++) {
                        boolean fromVisitor = seq % 2 == 1;
                        String text = seq == orderAt ? "My order " + orderNumber + " has not arrived, 订单号 " + orderNumber
                                : text(random);
                        message.setString(1, tenant.toString());
                        message.setString(2, id.toString());
                        message.setInt(3, seq);
                        message.setString(4, fromVisitor ? "visitor" : "agent");
                        message.setString(5, fromVisitor ? v.toString() : (mine ? own.id() : rest.id()));
                        message.setString(6, text);
                        message.setArray(7, c.createArrayOf("text", SearchTokens.indexArray(text)));
                        message.setInt(8, daysAgo);
                        message.addBatch();
                        if (++pending == 1_000) {
                            message.executeBatch();
                            c.commit();
                            pending = 0;
                        }
                    }
                }
                if (pending > 0) {
                    message.executeBatch();
                }
                c.commit();
            }
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("vacuum analyze messages");
                s.execute("analyze conversations");
            }
        }
        return searched;
    }

    private static String text(SplittableRandom random) {
        int pick = random.nextInt(100);
        if (pick < 2) {
            return "麻烦尽快办理退货" + REFUND + "手续，谢谢";
        }
        if (pick < 55) {
            return CHINESE[random.nextInt(CHINESE.length)];
        }
        return ENGLISH[random.nextInt(ENGLISH.length)];
    }
}
