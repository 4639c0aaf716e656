package io.switchboard.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.switchboard.conversation.Chat;
import io.switchboard.knowledge.Staff;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.ackOf;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Search over contacts and chat history (C5): Chinese words inside longer messages, English
 * words and order numbers are found and lead to the message (conversation and seq); results
 * stay within the conversations the caller may see, internal notes included only for those
 * who see their conversation; pages and filters; refusals.
 */
@QuarkusTest
class HistorySearchTest {

    static final String SEARCH = "/api/v1/search";

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    private static ExtractableResponse<Response> search(String jwt, String q, Object... params) {
        RequestSpecification spec = as(jwt).queryParam("q", q);
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.queryParam((String) params[i], params[i + 1]);
        }
        return spec.when().get(SEARCH).then().statusCode(200).extract();
    }

    private static List<Integer> seqs(String jwt, String q, Object... params) {
        return search(jwt, q, params).path("messages.seq");
    }

    @Test
    void aChineseWordInsideALongerMessageAndAnOrderNumberAreFoundAtTheirMessage() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "你好，我想办理退货退款手续，订单号 SO-20261206-0042").path("conversationId").asText();
            Chat.send(v, c, clientId(), "Where is my refund?");
            Chat.send(v, c, clientId(), "谢谢");

            var found = search(admin, "退款");
            assertThat(found.<List<String>>path("messages.conversationId")).containsExactly(c);
            assertThat(found.<List<Integer>>path("messages.seq")).containsExactly(1);
            assertThat(found.<String>path("messages[0].text")).contains("退货退款");
            assertThat(found.<String>path("messages[0].sentAt")).isNotNull();
            assertThat(seqs(agent, "退款")).containsExactly(1);
            assertThat(seqs(agent, "20261206")).containsExactly(1);
            assertThat(seqs(agent, "SO-20261206-0042")).containsExactly(1);
            assertThat(seqs(agent, "REFUND")).containsExactly(2);
            assertThat(seqs(agent, "退款 refund")).isEmpty();
            assertThat(seqs(agent, "换货")).isEmpty();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anInternalNoteIsFoundOnlyByStaffWhoMaySeeItsConversation() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(1, 5);
        String assignee = Chat.login(team.agents().get(0).email());
        String supervisor = Chat.login(Staff.create(team.tenantId(), "supervisor"));
        String elsewhere = Chat.login(Staff.agentElsewhere(team.tenantId()));
        String otherAdmin = Chat.login(other.adminEmail());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient s = Chat.agentSocket(base, assignee); WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "my parcel is late").path("conversationId").asText();
            s.await(type("assigned", c), WAIT);
            String id = clientId();
            s.send(frame("message", "conversationId", c, "clientId", id, "text", "内部备注：客户是黄金会员", "internal", true));
            JsonNode ack = s.await(ackOf(id), WAIT);

            var byAssignee = search(assignee, "黄金会员");
            assertThat(byAssignee.<List<Integer>>path("messages.seq")).containsExactly(ack.path("seq").asInt());
            assertThat(byAssignee.<Boolean>path("messages[0].internal")).isTrue();
            assertThat(seqs(supervisor, "黄金会员")).containsExactly(ack.path("seq").asInt());
            assertThat(seqs(elsewhere, "黄金会员")).isEmpty();
            assertThat(seqs(otherAdmin, "黄金会员")).isEmpty();
            as(visitor.token()).queryParam("q", "黄金会员").when().get(SEARCH).then().statusCode(403);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aTransferNoteIsFoundAsAnInternalLineAndOtherSystemLinesAreNot() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String assignee = Chat.login(team.agents().get(0).email());
        String admin = Chat.login(team.adminEmail());
        try (WsClient s = Chat.agentSocket(base, assignee); WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            s.await(type("assigned", c), WAIT);
            as(assignee).body(Map.of("groupId", team.groupId(), "note", "客户要求退款，请财务跟进")).when()
                    .post("/api/v1/conversations/" + c + "/transfer").then().statusCode(200);

            var found = search(admin, "财务");
            assertThat(found.<List<String>>path("messages.senderKind")).containsExactly("system");
            assertThat(found.<Boolean>path("messages[0].internal")).isTrue();
            assertThat(seqs(admin, "Transferred")).as("the visible system line is the service's words").isEmpty();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void searchNeverReturnsConversationsOutsideTheCallersVisibility() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(1, 5);
        String agent = Chat.login(team.agents().get(0).email());
        String elsewhere = Chat.login(Staff.agentElsewhere(team.tenantId()));
        String otherAgent = Chat.login(other.agents().get(0).email());
        String otherAdmin = Chat.login(other.adminEmail());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        Staff.exec("update visitors set name = '张伟', email = 'zhang.wei@example.com' where id = ?::uuid", visitor.id());
        try (WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "我的快递丢了").path("conversationId").asText();

            var seen = search(agent, "快递");
            assertThat(seen.<List<String>>path("messages.conversationId")).containsExactly(c);
            var contacts = search(agent, "张伟");
            assertThat(contacts.<List<String>>path("contacts.visitorId")).containsExactly(visitor.id());
            assertThat(contacts.<String>path("contacts[0].lastConversationId")).isEqualTo(c);
            assertThat(search(agent, "zhang.wei").<List<String>>path("contacts.name")).containsExactly("张伟");
            // Once the CRM knows them, its id finds them too, and its record names them.
            Staff.exec("""
                    with cu as (insert into customers (id, tenant_id, external_id, name) values (gen_random_uuid(), ?::uuid, 'CRM-7788', '张伟 (VIP)')
                                returning id)
                    update visitors set customer_id = (select id from cu) where id = ?::uuid""", team.tenantId(), visitor.id());
            var customer = search(agent, "crm-7788");
            assertThat(customer.<List<String>>path("contacts.customerId")).containsExactly("CRM-7788");
            assertThat(customer.<List<String>>path("contacts.name")).containsExactly("张伟 (VIP)");
            assertThat(customer.<List<Integer>>path("contacts.conversations")).containsExactly(1);

            for (String outsider : List.of(elsewhere, otherAgent, otherAdmin)) {
                var none = search(outsider, "快递");
                assertThat(none.<List<Object>>path("messages")).isEmpty();
                assertThat(search(outsider, "张伟").<List<Object>>path("contacts")).isEmpty();
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void resultsComeNewestFirstInPagesAndFollowTheFilters() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "tracking one").path("conversationId").asText();
            Chat.send(v, c, clientId(), "tracking two");
            Chat.send(v, c, clientId(), "tracking three");

            var first = search(admin, "tracking", "limit", 2);
            assertThat(first.<List<Integer>>path("messages.seq")).containsExactly(3, 2);
            String next = first.path("next");
            assertThat(next).isNotNull();
            var second = search(admin, "tracking", "limit", 2, "before", next);
            assertThat(second.<List<Integer>>path("messages.seq")).containsExactly(1);
            assertThat(second.<String>path("next")).isNull();

            String today = LocalDate.now(ZoneOffset.UTC).toString();
            String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
            assertThat(seqs(admin, "tracking", "from", today, "to", tomorrow)).containsExactly(3, 2, 1);
            assertThat(seqs(admin, "tracking", "from", tomorrow)).isEmpty();
            assertThat(seqs(admin, "tracking", "to", today + "T00:00:00Z")).isEmpty();
            assertThat(seqs(admin, "tracking", "channelId", team.channelId())).containsExactly(3, 2, 1);
            assertThat(seqs(admin, "tracking", "channelId", Fixtures.team(0, 1).channelId())).isEmpty();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void badSearchesAreRefusedWithFieldErrors() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String agent = Chat.login(team.agents().get(0).email());
        Map<String, Object[]> cases = Map.of(
                "q", new Object[] {"q", "x".repeat(101)},
                "nul", new Object[] {"q", "ok\u0000"},
                "limit", new Object[] {"q", "ok", "limit", 101},
                "from", new Object[] {"q", "ok", "from", "yesterday"},
                "to", new Object[] {"q", "ok", "from", "2026-12-06", "to", "2026-12-05"},
                "channelId", new Object[] {"q", "ok", "channelId", "web"},
                "before", new Object[] {"q", "ok", "before", "abc"});
        cases.forEach((rule, params) -> {
            String field = rule.equals("nul") ? "q" : rule;
            RequestSpecification spec = as(agent);
            for (int i = 0; i < params.length; i += 2) {
                spec = spec.queryParam((String) params[i], params[i + 1]);
            }
            spec.when().get(SEARCH).then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(field));
        });
        as(agent).when().get(SEARCH).then().statusCode(400).body("errors[0].field", equalTo("q"));
        as(agent).queryParam("q", "，。！").when().get(SEARCH).then().statusCode(400).body("errors[0].field", equalTo("q"));
    }

    @Test
    void aSearchRunningPastItsTimeBoundIsCancelledAnswered503AndFreesItsConnection() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        // Hold the messages table so the search cannot read it: the statement waits until its
        // bound (3 s in tests) cancels it. Appends wait with it, briefly; none run here.
        try (java.sql.Connection c = Fixtures.connect()) {
            c.setAutoCommit(false);
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("lock table messages in access exclusive mode");
                long start = System.nanoTime();
                as(admin).queryParam("q", "退款").when().get(SEARCH).then().statusCode(503)
                        .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("narrow"));
                assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the answer").isBetween(2_500L, 9_000L);
            } finally {
                c.rollback();
            }
        }
        // The cancelled statement's connection went back to the pool whole: the next search runs.
        as(admin).queryParam("q", "退款").when().get(SEARCH).then().statusCode(200);
    }
}
