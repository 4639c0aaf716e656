package io.switchboard.knowledge;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.switchboard.knowledge.QuickReplyApiTest.as;
import static io.switchboard.knowledge.QuickReplyApiTest.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * The knowledge base (C9): admins write articles, supervisors read them, staff search them; a
 * two-character Chinese word inside a longer text, English words and order numbers are found,
 * title and tag hits first, each with a snippet; a conversation narrows the search to its
 * channel's articles. Refusals: sizes, roles, another tenant's ids and conversations.
 */
@QuarkusTest
class KnowledgeBaseApiTest {

    static final String ARTICLES = "/api/v1/admin/kb/articles";
    static final String SEARCH = "/api/v1/kb/search";
    static final String READ = "/api/v1/kb/articles";

    @TestHTTPResource("/")
    URL base;

    static String article(String jwt, Object... kv) {
        return as(jwt).body(body(kv)).when().post(ARTICLES).then().statusCode(201).extract().path("id");
    }

    static List<String> found(String jwt, String q, Object... params) {
        var spec = as(jwt).queryParam("q", q);
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.queryParam((String) params[i], params[i + 1]);
        }
        return spec.when().get(SEARCH).then().statusCode(200).extract().path("id");
    }

    @Test
    void aTwoCharacterChineseWordInsideALongerTextIsFound() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        String returns = article(admin, "title", "售后政策", "body", "收到商品七天内，可以申请办理退货退款手续，运费由我们承担。",
                "tags", List.of("售后"));
        article(admin, "title", "发货时间", "body", "订单会在付款后四十八小时内发货。");

        assertThat(found(agent, "退款")).containsExactly(returns);
        var hit = as(agent).queryParam("q", "退款").when().get(SEARCH).then().statusCode(200).extract();
        assertThat(hit.<String>path("[0].title")).isEqualTo("售后政策");
        assertThat(hit.<String>path("[0].snippet")).contains("退款");
        assertThat(found(agent, "退货退款")).containsExactly(returns);
        assertThat(found(agent, "换货")).isEmpty();
    }

    @Test
    void englishWordsAndOrderNumbersAreFoundTitleAndTagHitsFirst() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        String order = article(admin, "title", "Tracking an order", "body",
                "Example: order SO-20261206-0042 shipped on 6 December. Ask for the order number first.");
        String inTitle = article(admin, "title", "Shipping times", "body", "Most parcels arrive in three days.");
        String inTag = article(admin, "title", "Parcels lost", "body", "Open a claim with the carrier.", "tags", List.of("shipping"));
        String inBody = article(admin, "title", "Returns", "body", "Return shipping is free within 30 days.");

        assertThat(found(agent, "SO-20261206-0042")).containsExactly(order);
        assertThat(found(agent, "20261206")).containsExactly(order);
        assertThat(found(agent, "so20261206")).containsExactly(order);
        assertThat(found(agent, "SO-20261207-0042")).isEmpty();
        List<String> shipping = found(agent, "Shipping");
        assertThat(shipping).containsExactlyInAnyOrder(inTitle, inTag, inBody);
        assertThat(shipping.subList(0, 2)).as("title and tag hits rank first").containsExactlyInAnyOrder(inTitle, inTag);
        assertThat(found(agent, "shipping", "limit", 1)).hasSize(1);
    }

    @Test
    void aConversationFindsTheArticlesOfItsChannel() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        Map<String, String> second = QuickReplyApiTest.channel(admin, team.groupId());
        try {
            String everywhere = article(admin, "title", "Warranty", "body", "warranty for all");
            String ours = article(admin, "title", "Warranty (web)", "body", "warranty web", "channelIds", List.of(team.channelId()));
            String theirs = article(admin, "title", "Warranty (second)", "body", "warranty second", "channelIds", List.of(second.get("id")));
            String c = QuickReplyApiTest.conversationVia(base, team.channelKey(), "hello");
            assertThat(found(agent, "warranty", "conversationId", c)).containsExactlyInAnyOrder(everywhere, ours).doesNotContain(theirs);
            assertThat(found(agent, "warranty")).containsExactlyInAnyOrder(everywhere, ours, theirs);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anArticlesPublishedAddressComesWithItsSearchHitAndItsTextAndCanBeChangedOrRemoved() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        String id = article(admin, "title", "退货退款流程", "body", "办理退货退款手续请先联系客服。",
                "url", "  https://help.example.com/zh/articles/refunds?from=chat#steps  ");
        String url = "https://help.example.com/zh/articles/refunds?from=chat#steps";

        as(agent).queryParam("q", "退款").when().get(SEARCH).then().statusCode(200)
                .body("id", equalTo(List.of(id))).body("[0].url", equalTo(url));
        as(agent).when().get(READ + "/" + id).then().statusCode(200).body("url", equalTo(url));
        as(admin).when().get(ARTICLES + "/" + id).then().statusCode(200).body("url", equalTo(url));

        // Left out of a change it stays; a new one replaces it; "" removes it.
        as(admin).body(body("title", "退款")).when().put(ARTICLES + "/" + id).then().statusCode(200).body("url", equalTo(url));
        as(admin).body(body("url", "http://help.example.com/refunds")).when().put(ARTICLES + "/" + id).then().statusCode(200)
                .body("url", equalTo("http://help.example.com/refunds"));
        as(admin).body(body("url", "")).when().put(ARTICLES + "/" + id).then().statusCode(200).body("url", equalTo(null));
        as(agent).queryParam("q", "退款").when().get(SEARCH).then().statusCode(200).body("[0].url", equalTo(null));
        // An article without one answers null, not a made-up address.
        String plain = article(admin, "title", "Opening hours", "body", "We answer 9-18.");
        as(agent).when().get(READ + "/" + plain).then().statusCode(200).body("url", equalTo(null));
    }

    @Test
    void adminsWriteArticlesSupervisorsReadThemAgentsOnlySearch() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String supervisor = Chat.login(Staff.create(team.tenantId(), "supervisor"));
        String agent = Chat.login(team.agents().get(0).email());
        String id = article(admin, "title", "Opening hours", "body", "We answer 9-18.", "tags", List.of("hours", "hours", "time"));

        as(supervisor).when().get(ARTICLES).then().statusCode(200).body("id", hasItem(id));
        as(supervisor).when().get(ARTICLES + "/" + id).then().statusCode(200).body("tags", equalTo(List.of("hours", "time")));
        as(supervisor).body(body("title", "x", "body", "y")).when().post(ARTICLES).then().statusCode(403);
        as(supervisor).body(body("title", "x")).when().put(ARTICLES + "/" + id).then().statusCode(403);
        as(supervisor).when().delete(ARTICLES + "/" + id).then().statusCode(403);
        as(agent).when().get(ARTICLES).then().statusCode(403);
        as(agent).when().get(ARTICLES + "/" + id).then().statusCode(403);
        as(agent).body(body("title", "x", "body", "y")).when().post(ARTICLES).then().statusCode(403);
        as(agent).when().delete(ARTICLES + "/" + id).then().statusCode(403);
        as(Chat.visitor(team.channelKey()).token()).queryParam("q", "hours").when().get(SEARCH).then().statusCode(403);

        // A change is searched by its new words at once, and no longer by the old ones.
        as(admin).body(body("body", "We answer around the clock.")).when().put(ARTICLES + "/" + id).then().statusCode(200)
                .body("title", equalTo("Opening hours")).body("body", equalTo("We answer around the clock."));
        assertThat(found(agent, "clock")).containsExactly(id);
        assertThat(found(agent, "18 ")).isEmpty();
        as(admin).when().delete(ARTICLES + "/" + id).then().statusCode(204);
        assertThat(found(agent, "clock")).isEmpty();
        as(admin).when().get(ARTICLES + "/" + id).then().statusCode(404);
    }

    @Test
    void badArticlesAndQueriesAreRefusedWithFieldErrorsAndNothingIsWritten() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());

        as(admin).body(body("title", "", "body", " ")).when().post(ARTICLES).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("title")).body("errors.field", hasItem("body"));
        as(admin).body(body("title", "t".repeat(201), "body", "ok")).when().post(ARTICLES).then().statusCode(400)
                .body("errors.field", hasItem("title"));
        as(admin).body(body("title", "ok", "body", "b".repeat(50_001))).when().post(ARTICLES).then().statusCode(400)
                .body("errors.field", hasItem("body"));
        as(admin).body(body("title", "ok", "body", "ok", "tags", Collections.nCopies(21, "t"))).when().post(ARTICLES).then()
                .statusCode(400).body("errors.field", hasItem("tags"));
        as(admin).body(body("title", "ok", "body", "ok", "tags", List.of("x".repeat(41)))).when().post(ARTICLES).then()
                .statusCode(400).body("errors.field", hasItem("tags"));
        as(admin).body(body("title", "ok", "body", "ok", "channelIds", List.of(other.channelId()))).when().post(ARTICLES).then()
                .statusCode(400).body("errors.field", hasItem("channelIds"));
        // An address agents send to visitors as a link: absolute http(s) only, nothing a script could run.
        for (String url : List.of("javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://files.example.com/a", "/help/refunds",
                "https://", "https://example.com/a b", "https://example.com/" + "a".repeat(2000))) {
            as(admin).body(body("title", "ok", "body", "ok", "url", url)).when().post(ARTICLES).then().statusCode(400)
                    .body("errors.field", hasItem("url"));
        }
        assertThat(Fixtures.count("select count(*) from kb_articles where tenant_id = ?", team.tenantId())).isZero();
        String kept = article(admin, "title", "Kept", "body", "ok", "url", "https://help.example.com/kept");
        as(admin).body(body("title", "Changed", "url", "javascript:alert(1)")).when().put(ARTICLES + "/" + kept).then().statusCode(400)
                .body("errors.field", hasItem("url"));
        as(admin).when().get(ARTICLES + "/" + kept).then().statusCode(200)
                .body("title", equalTo("Kept")).body("url", equalTo("https://help.example.com/kept"));

        as(agent).when().get(SEARCH).then().statusCode(400).body("errors[0].field", equalTo("q"));
        as(agent).queryParam("q", "  ").when().get(SEARCH).then().statusCode(400).body("errors[0].field", equalTo("q"));
        as(agent).queryParam("q", "退".repeat(101)).when().get(SEARCH).then().statusCode(400).body("errors[0].field", equalTo("q"));
        as(agent).queryParam("q", "ok").queryParam("limit", 0).when().get(SEARCH).then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        as(agent).queryParam("q", "ok").queryParam("limit", "many").when().get(SEARCH).then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        as(admin).queryParam("offset", -1).when().get(ARTICLES).then().statusCode(400).body("errors[0].field", equalTo("offset"));
    }

    @Test
    void anotherTenantsArticlesAndConversationsAreNotFound() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(1, 5);
        String id = article(Chat.login(team.adminEmail()), "title", "Secret recipe", "body", "only ours");
        String otherAdmin = Chat.login(other.adminEmail());
        String otherAgent = Chat.login(other.agents().get(0).email());
        try {
            as(otherAdmin).when().get(ARTICLES + "/" + id).then().statusCode(404);
            as(otherAdmin).body(body("title", "stolen")).when().put(ARTICLES + "/" + id).then().statusCode(404);
            as(otherAdmin).when().delete(ARTICLES + "/" + id).then().statusCode(404);
            as(otherAdmin).when().get(ARTICLES).then().statusCode(200).body("id", not(hasItem(id)));
            assertThat(found(otherAgent, "recipe")).isEmpty();
            String c = QuickReplyApiTest.conversationVia(base, team.channelKey(), "hello");
            as(otherAgent).queryParam("q", "recipe").queryParam("conversationId", c).when().get(SEARCH).then().statusCode(404);
            as(Chat.login(Staff.agentElsewhere(team.tenantId()))).queryParam("q", "recipe").queryParam("conversationId", c)
                    .when().get(SEARCH).then().statusCode(404).body("detail", containsString("conversation"));
            assertThat(Fixtures.count("select count(*) from kb_articles where id = ? and title = 'Secret recipe'", id)).isEqualTo(1);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void staffReadAnArticlesBodyAsTheSearchWouldFindItForTheConversationsChannel() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Team other = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agent = Chat.login(team.agents().get(0).email());
        String otherAgent = Chat.login(other.agents().get(0).email());
        Map<String, String> second = QuickReplyApiTest.channel(admin, team.groupId());
        try {
            String everywhere = article(admin, "title", "售后政策", "body", "收到商品七天内，可以申请办理退货退款手续。");
            String ours = article(admin, "title", "Web refunds", "body", "Refunds on the web shop.", "channelIds", List.of(team.channelId()));
            String theirs = article(admin, "title", "Second refunds", "body", "Refunds elsewhere.", "channelIds", List.of(second.get("id")));
            String c = QuickReplyApiTest.conversationVia(base, team.channelKey(), "hello");

            as(agent).when().get(READ + "/" + everywhere).then().statusCode(200)
                    .body("id", equalTo(everywhere)).body("title", equalTo("售后政策")).body("body", equalTo("收到商品七天内，可以申请办理退货退款手续。"));
            as(agent).queryParam("conversationId", c).when().get(READ + "/" + everywhere).then().statusCode(200);
            as(agent).queryParam("conversationId", c).when().get(READ + "/" + ours).then().statusCode(200)
                    .body("body", equalTo("Refunds on the web shop."));
            as(agent).queryParam("conversationId", c).when().get(READ + "/" + theirs).then().statusCode(404);
            as(agent).when().get(READ + "/" + theirs).then().statusCode(200);

            as(otherAgent).when().get(READ + "/" + everywhere).then().statusCode(404);
            as(otherAgent).queryParam("conversationId", c).when().get(READ + "/" + everywhere).then().statusCode(404);
            as(Chat.login(Staff.agentElsewhere(team.tenantId()))).queryParam("conversationId", c)
                    .when().get(READ + "/" + everywhere).then().statusCode(404).body("detail", containsString("conversation"));
            as(agent).when().get(READ + "/not-an-id").then().statusCode(404);
            as(Chat.visitor(team.channelKey()).token()).when().get(READ + "/" + everywhere).then().statusCode(403);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
