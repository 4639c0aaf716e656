package io.switchboard.search;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.RecentContacts;
import io.switchboard.security.Caller;
import io.switchboard.testing.Fixtures;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent who sees few conversations is searched from the list of those conversations
 * ({@link HistorySearch.Scope}) rather than over the tenant's messages (benchmark P7). The list
 * is a shortcut, never a rule: both ways find exactly what the visibility rule lets the agent
 * see (their groups, pooled groups, no group, what they took part in; not what their channel
 * limit keeps out, nor other groups), and an agent who sees more than the bound is searched
 * the other way.
 */
@QuarkusTest
class SearchScopeTest {

    private static final HistorySearch.Filters ALL = new HistorySearch.Filters(null, null, null, null);

    @Inject
    HistorySearch search;

    @Inject
    SearchConfig config;

    @Test
    void theListIsUsedOnlyWhileItHoldsEveryCandidate() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(HistorySearch.Scope.of(List.of(a, b), 2).conversations()).containsExactly(a, b);
        assertThat(HistorySearch.Scope.of(List.of(), 2).narrowed()).isTrue();
        // Asked for the bound plus one, a full answer means there may be more than the list holds.
        assertThat(HistorySearch.Scope.of(List.of(a, b, UUID.randomUUID()), 2).narrowed()).isFalse();
    }

    @Test
    void anAgentSearchedByTheirConversationsFindsExactlyWhatTheVisibilityRuleLetsThemSee() throws SQLException {
        Fixtures.Team team = Fixtures.team(1, 5);
        UUID tenant = UUID.fromString(team.tenantId());
        UUID group = UUID.fromString(team.groupId());
        UUID channel = UUID.fromString(team.channelId());
        UUID agent = UUID.fromString(team.agents().get(0).id());
        UUID otherGroup = UUID.randomUUID();
        UUID pooledGroup = UUID.randomUUID();
        UUID otherChannel = UUID.randomUUID();
        UUID visitor = UUID.randomUUID();
        try (Connection c = Fixtures.connect()) {
            exec(c, "insert into agent_groups (id, tenant_id, name) values (?, ?, 'Other'), (?, ?, 'Pooled')",
                    otherGroup, tenant, pooledGroup, tenant);
            exec(c, "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'B', ?, 's', ?)",
                    otherChannel, tenant, "scope-" + otherChannel, otherGroup);
            // An enabled rule pools the team's group with another: its members serve both queues.
            exec(c, """
                    insert into routing_rules (id, tenant_id, name, position, spec, strategy)
                    values (gen_random_uuid(), ?, 'pool', 1, jsonb_build_object('groupIds', jsonb_build_array(?::text, ?::text)), 'least-load')""",
                    tenant, group.toString(), pooledGroup.toString());
            exec(c, "insert into visitors (id, tenant_id, channel_id, name) values (?, ?, ?, '退款 Visitor')", visitor, tenant, channel);

            UUID ownGroup = conversation(c, tenant, channel, group, visitor);
            UUID pooled = conversation(c, tenant, channel, pooledGroup, visitor);
            UUID noGroup = conversation(c, tenant, channel, null, visitor);
            UUID takenPart = conversation(c, tenant, otherChannel, otherGroup, visitor);
            exec(c, "insert into conversation_staff (conversation_id, user_id, tenant_id, role) values (?, ?, ?, 'participant')",
                    takenPart, agent, tenant);
            UUID otherGroups = conversation(c, tenant, otherChannel, otherGroup, visitor);
            UUID ownGroupOtherChannel = conversation(c, tenant, otherChannel, group, visitor);
            for (UUID conversation : List.of(ownGroup, pooled, noGroup, takenPart, otherGroups, ownGroupOtherChannel)) {
                exec(c, """
                        insert into messages (tenant_id, conversation_id, seq, sender_kind, sender_id, text, search)
                        values (?, ?, 1, 'visitor', ?, '要退款', array_to_tsvector(array['退款']))""", tenant, conversation, visitor);
            }
            Caller caller = new Caller(team.tenantId(), agent.toString(), Caller.Kind.STAFF, Set.of("agent"), "a", null);
            SearchTokens.Query query = SearchInput.parse("退款", true);

            HistorySearch.Scope scope = search.scope(caller).await().indefinitely();
            assertThat(scope.narrowed()).as("an agent with a handful of conversations is searched by their list").isTrue();
            assertThat(scope.conversations()).doesNotContain(otherGroups)
                    .contains(ownGroup, pooled, noGroup, takenPart, ownGroupOtherChannel);
            // With no channel limit, their group's conversations on any channel are theirs to see.
            List<UUID> visible = List.of(ownGroup, pooled, noGroup, takenPart, ownGroupOtherChannel);
            assertThat(messages(caller, scope, query)).containsExactlyInAnyOrderElementsOf(visible);
            assertThat(messages(caller, HistorySearch.Scope.PREDICATE, query)).containsExactlyInAnyOrderElementsOf(visible);
            assertThat(contacts(caller, scope)).isEqualTo(contacts(caller, HistorySearch.Scope.PREDICATE)).hasSize(1);

            // Limited to the team's channel, the agent no longer sees their group's conversation on the
            // other one, though it stays on their list.
            exec(c, "insert into agent_channels (agent_id, channel_id, tenant_id) values (?, ?, ?)", agent, channel, tenant);
            List<UUID> limited = List.of(ownGroup, pooled, noGroup, takenPart);
            assertThat(messages(caller, search.scope(caller).await().indefinitely(), query)).containsExactlyInAnyOrderElementsOf(limited);
            exec(c, "update agent_channels set channel_id = ? where agent_id = ?", otherChannel, agent);
            List<UUID> onlyOther = List.of(takenPart, ownGroupOtherChannel);
            assertThat(messages(caller, search.scope(caller).await().indefinitely(), query)).containsExactlyInAnyOrderElementsOf(onlyOther);
            assertThat(messages(caller, HistorySearch.Scope.PREDICATE, query)).containsExactlyInAnyOrderElementsOf(onlyOther);

            // Past the bound the list stops being complete: the search goes over the tenant's messages
            // and still finds the same.
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, last_seq, closed_at, close_reason)
                    select gen_random_uuid(), ?, ?, ?, ?, 'closed', 0, now(), 'timeout' from generate_series(1, ?)""")) {
                ps.setObject(1, tenant);
                ps.setObject(2, otherChannel);
                ps.setObject(3, visitor);
                ps.setObject(4, pooledGroup);
                ps.setInt(5, config.byConversationLimit());
                ps.executeUpdate();
            }
            HistorySearch.Scope wide = search.scope(caller).await().indefinitely();
            assertThat(wide.narrowed()).as("an agent who sees more than %d conversations", config.byConversationLimit()).isFalse();
            assertThat(messages(caller, wide, query)).containsExactlyInAnyOrderElementsOf(onlyOther);
        } finally {
            try (Connection c = Fixtures.connect(); Statement s = c.createStatement()) {
                s.execute("delete from messages where tenant_id = '" + tenant + "'");
                s.execute("delete from conversations where tenant_id = '" + tenant + "'");
            }
        }
    }

    private List<UUID> messages(Caller caller, HistorySearch.Scope scope, SearchTokens.Query query) {
        return search.messages(caller, scope, query, ALL, 50).await().indefinitely().stream()
                .map(hit -> UUID.fromString(hit.conversationId())).toList();
    }

    private List<RecentContacts.Contact> contacts(Caller caller, HistorySearch.Scope scope) {
        return search.contacts(caller, scope, "退款", ALL, 20).await().indefinitely();
    }

    private static UUID conversation(Connection c, UUID tenant, UUID channel, UUID group, UUID visitor) throws SQLException {
        UUID id = UUID.randomUUID();
        exec(c, """
                insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, last_seq, closed_at, close_reason)
                values (?, ?, ?, ?, ?, 'closed', 1, now(), 'timeout')""", id, tenant, channel, visitor, group);
        return id;
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
