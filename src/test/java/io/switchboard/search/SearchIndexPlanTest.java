package io.switchboard.search;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.knowledge.KbArticles;
import io.switchboard.security.Caller;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Searches use their GIN index instead of reading every row (C5, C9; benchmark P7): with
 * thousands of messages and articles holding many distinct lexemes, PostgreSQL's plan for the
 * very statements the service runs reads messages_search_idx and kb_articles_search_idx.
 */
@QuarkusTest
class SearchIndexPlanTest {

    private static final int MESSAGES = 10_000;
    private static final int PER_CONVERSATION = 50;
    private static final int ARTICLES = 3_000;

    private static String plan(Connection c, String statement, String types, String args) throws SQLException {
        String name = "plan_" + UUID.randomUUID().toString().replace("-", "");
        try (Statement s = c.createStatement()) {
            s.execute("prepare " + name + " (" + types + ") as " + statement);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("explain execute " + name + " (" + args + ")")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            s.execute("deallocate " + name);
            return plan.toString();
        }
    }

    @Test
    void messageAndArticleSearchesReadTheirGinIndex() throws SQLException {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agentId = team.agents().get(0).id();
        UUID tenant = UUID.fromString(team.tenantId());
        UUID visitor = UUID.randomUUID();
        try (Connection c = Fixtures.connect()) {
            // A tenant's history spread over many conversations, as it is: a few dozen messages each.
            try (PreparedStatement ps = c.prepareStatement("""
                    with v as (insert into visitors (id, tenant_id, channel_id) values (?, ?, ?) returning id)
                    insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, last_seq, closed_at, close_reason)
                    select gen_random_uuid(), ?, ?, v.id, ?, 'closed', ?, now(), 'timeout' from v, generate_series(1, ?)""")) {
                ps.setObject(1, visitor);
                ps.setObject(2, tenant);
                ps.setObject(3, UUID.fromString(team.channelId()));
                ps.setObject(4, tenant);
                ps.setObject(5, UUID.fromString(team.channelId()));
                ps.setObject(6, UUID.fromString(team.groupId()));
                ps.setInt(7, PER_CONVERSATION);
                ps.setInt(8, MESSAGES / PER_CONVERSATION);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    with conv as (
                      select id, tenant_id, visitor_id, row_number() over (order by id) - 1 as n from conversations where visitor_id = ?
                    )
                    insert into messages (tenant_id, conversation_id, seq, sender_kind, sender_id, text, search)
                    select tenant_id, id, i, 'visitor', visitor_id, '订单 w' || (n * ? + i),
                           array_to_tsvector(array['订单', 'w' || (n * ? + i)])
                    from conv, generate_series(1, ?) i""")) {
                ps.setObject(1, visitor);
                ps.setInt(2, PER_CONVERSATION);
                ps.setInt(3, PER_CONVERSATION);
                ps.setInt(4, PER_CONVERSATION);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into kb_articles (id, tenant_id, title, body, search, title_search)
                    select gen_random_uuid(), ?, 'a' || i, 'w' || i, array_to_tsvector(array['a' || i, 'w' || i]),
                           array_to_tsvector(array['a' || i])
                    from generate_series(1, ?) i""")) {
                ps.setObject(1, tenant);
                ps.setInt(2, ARTICLES);
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                // The inserts wait in the GIN index's pending list until autovacuum (or a full list)
                // merges them; the planner counts a long list against the index. Here, where this
                // test's rows are a large part of the table, merge them as autovacuum would.
                s.execute("vacuum analyze messages");
                s.execute("analyze conversations");
                s.execute("analyze kb_articles");
            }

            Caller supervisor = new Caller(team.tenantId(), UUID.randomUUID().toString(), Caller.Kind.STAFF,
                    Set.of("admin", "supervisor"), "s", null);
            Caller agent = new Caller(team.tenantId(), agentId, Caller.Kind.STAFF, Set.of("agent"), "a", null);
            String types = "uuid, text, uuid, timestamptz, timestamptz, uuid, bigint, bigint";
            // Tenant-wide, the search index is the only way short of reading the tenant's messages.
            String tenantWide = plan(c, HistorySearch.messagesSql(supervisor), types,
                    "'" + tenant + "', '''w4242''', '" + supervisor.id() + "', null, null, null, null, 51");
            assertThat(tenantWide).as("plan for a supervisor:\n%s", tenantWide).contains("messages_search_idx");
            // An agent sees a few conversations: PostgreSQL may as well read those conversations' messages
            // by their key instead, depending on what the statistics say of the other tests' rows. Either
            // way it must not read the messages table whole.
            String own = plan(c, HistorySearch.messagesSql(agent), types,
                    "'" + tenant + "', '''w4242''', '" + agent.id() + "', null, null, null, null, 51");
            assertThat(own).as("plan for an agent:\n%s", own).doesNotContain("Seq Scan on messages")
                    .containsAnyOf("messages_search_idx", "messages_conversation_id_seq_key");
            // Searched by the list of their conversations, the agent's hits are read by those
            // conversations' key or the search index, never by walking the tenant's messages.
            String ids;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select string_agg(id::text, ',') from (select id from conversations where visitor_id = '"
                         + visitor + "' limit 3) x")) {
                rs.next();
                ids = rs.getString(1);
            }
            String narrowed = plan(c, HistorySearch.narrowedMessagesSql(agent), types + ", uuid[]",
                    "'" + tenant + "', '''w4242''', '" + agent.id() + "', null, null, null, null, 51, '{" + ids + "}'");
            assertThat(narrowed).as("plan for an agent's conversations:\n%s", narrowed)
                    .doesNotContain("Seq Scan on messages").doesNotContain("messages_pkey")
                    .containsAnyOf("messages_search_idx", "messages_conversation_id_seq_key");
            String kb = plan(c, KbArticles.SEARCH, "uuid, text, uuid, bigint", "'" + tenant + "', '''w1234''', null, 10");
            assertThat(kb).as(kb).contains("kb_articles_search_idx");
        } finally {
            try (Connection c = Fixtures.connect(); Statement s = c.createStatement()) {
                s.execute("delete from message_deliveries where message_id in (select id from messages where conversation_id in (select id from conversations where visitor_id = '" + visitor + "'))");
                s.execute("delete from messages where conversation_id in (select id from conversations where visitor_id = '" + visitor + "')");
                s.execute("delete from kb_articles where tenant_id = '" + tenant + "'");
            }
        }
    }
}
