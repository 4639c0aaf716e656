package io.switchboard.search;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.knowledge.Staff;
import io.switchboard.testing.Fixtures;
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
 * Messages stored without lexemes (before schema version 17, or by an older replica during a
 * rolling upgrade) become searchable through the backfill; the service's own system lines stay
 * out of the index.
 */
@QuarkusTest
class SearchBackfillTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    SearchBackfill backfill;

    @Test
    void messagesStoredWithoutLexemesAreFoundOnceTheBackfillHasPassed() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "旧消息：我要申请退款 SO-20250101-0001").path("conversationId").asText();
            // As an older version stored it: no lexemes. A system line written the old way too.
            Staff.exec("update messages set search = null where conversation_id = ?::uuid", c);
            Staff.exec("""
                    with bump as (update conversations set last_seq = last_seq + 1 where id = ?::uuid returning tenant_id, last_seq)
                    insert into messages (tenant_id, conversation_id, seq, sender_kind, text, event)
                    select tenant_id, ?::uuid, last_seq, 'system', 'Closed after silence 退款', 'closed' from bump""", c, c);

            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Fixtures.count("select count(*) from messages where conversation_id = ?::uuid and sender_kind = 'visitor'"
                    + " and search is null", c) > 0 && Instant.now().isBefore(deadline)) {
                backfill.fill().await().atMost(Duration.ofSeconds(10));
            }
            List<Integer> seqs = given().auth().oauth2(admin).queryParam("q", "退款").when().get("/api/v1/search")
                    .then().statusCode(200).extract().path("messages.seq");
            assertThat(seqs).containsExactly(1);
            assertThat(given().auth().oauth2(admin).queryParam("q", "20250101").when().get("/api/v1/search")
                    .then().statusCode(200).extract().<List<Integer>>path("messages.seq")).containsExactly(1);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?::uuid and sender_kind = 'system'"
                    + " and search is null", c)).as("a system line keeps no lexemes").isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
