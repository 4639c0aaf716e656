package io.switchboard.search;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.knowledge.Staff;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.SearchIndex;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search lexemes are written after commit, off the message path (C5; docs/operations.md,
 * "Search index"): an append records its message as not yet indexed and writes no lexemes; the
 * indexer writes them and clears the record in one transaction. Lexemes an older version kept
 * in messages move to the index; the service's own system lines stay out of it.
 */
@QuarkusTest
class MessageIndexerTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    MessageIndexer indexer;

    private static List<Integer> seqs(String jwt, String q) {
        return given().auth().oauth2(jwt).queryParam("q", q).when().get("/api/v1/search")
                .then().statusCode(200).extract().path("messages.seq");
    }

    @Test
    void anAppendRecordsItsMessageAsUnindexedAndTheIndexerMakesItSearchable() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            // Recorded in the append's own statement: the pending row exists from the commit on,
            // unless an indexer pass already took it (then its lexemes are there).
            String c = Chat.send(v, null, clientId(), "我想办理退货退款手续 SO-20261207-0001").path("conversationId").asText();
            assertThat(Fixtures.count("select count(*) from messages m where m.conversation_id = ?::uuid and ("
                    + "exists (select 1 from message_search_pending p where p.message_id = m.id)"
                    + " or exists (select 1 from message_search s where s.message_id = m.id))", c))
                    .as("recorded for indexing or already indexed").isEqualTo(1);

            SearchIndex.awaitIndexed();
            assertThat(seqs(admin, "退款")).containsExactly(1);
            assertThat(seqs(admin, "20261207")).containsExactly(1);
            assertThat(Fixtures.count("select count(*) from message_search s join messages m on m.id = s.message_id"
                    + " where m.conversation_id = ?::uuid and s.tenant_id = m.tenant_id", c)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?::uuid and search is not null", c))
                    .as("the message row carries no lexemes").isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void lexemesAnOlderVersionStoredInMessagesMoveToTheIndexAndSystemLinesStayOut() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            SearchIndex.awaitIndexed();
            // As a replica of the previous version stores a message during a rolling upgrade:
            // lexemes in messages.search, nothing queued.
            Staff.exec("""
                    with bump as (update conversations set last_seq = last_seq + 1 where id = ?::uuid returning tenant_id, last_seq, visitor_id)
                    insert into messages (tenant_id, conversation_id, seq, sender_kind, sender_id, text, search)
                    select tenant_id, ?::uuid, last_seq, 'visitor', visitor_id, '旧消息：我要申请退款 SO-20250101-0001',
                           array_to_tsvector(array['旧消', '消息', '息', '我要', '要申', '申请', '请退', '退款', '款', 'so', '20250101', '0001'])
                    from bump""", c, c);
            Staff.exec("""
                    with bump as (update conversations set last_seq = last_seq + 1 where id = ?::uuid returning tenant_id, last_seq)
                    insert into messages (tenant_id, conversation_id, seq, sender_kind, text, event)
                    select tenant_id, ?::uuid, last_seq, 'system', 'Closed after silence 退款', 'closed' from bump""", c, c);

            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (Fixtures.count("select count(*) from messages where conversation_id = ?::uuid and search is not null", c) > 0
                    && Instant.now().isBefore(deadline)) {
                indexer.drain().await().atMost(Duration.ofSeconds(10));
            }
            assertThat(seqs(admin, "退款")).as("the moved message, not the system line").containsExactly(2);
            assertThat(seqs(admin, "20250101")).containsExactly(2);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?::uuid and search is not null", c))
                    .as("moved out of messages").isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aRecordWhoseMessageIsGoneIsDroppedAndAWordlessMessageGetsNoIndexRow() {
        Fixtures.Team team = Fixtures.team(1, 5);
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            long gone = Fixtures.count("select coalesce(max(id), 0) + 1000000 from messages");
            Staff.exec("insert into message_search_pending (message_id) values (?)", gone);
            String c = Chat.send(v, null, clientId(), "？！……").path("conversationId").asText();
            SearchIndex.awaitIndexed();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (Fixtures.count("select count(*) from message_search_pending where message_id = ?", gone) > 0
                    && Instant.now().isBefore(deadline)) {
                indexer.drain().await().atMost(Duration.ofSeconds(10));
            }
            assertThat(Fixtures.count("select count(*) from message_search_pending where message_id = ?", gone)).isZero();
            assertThat(Fixtures.count("select count(*) from message_search s join messages m on m.id = s.message_id"
                    + " where m.conversation_id = ?::uuid", c)).as("nothing could find it").isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
