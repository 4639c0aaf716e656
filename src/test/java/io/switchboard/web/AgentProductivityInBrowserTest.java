package io.switchboard.web;

import com.microsoft.playwright.Locator;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.search.SearchTokens;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's productivity tools in the console (C3, C4, C5, C9; UI.md hooks): history search
 * from the box above the list, opening a message deep in a closed conversation; batch close
 * from the list's checkboxes, which frees capacity at once; the star and the Starred tab; the
 * Recent tab; the knowledge base beside the chat inserting an article at the composer's cursor.
 * Each once in English and once in Chinese, with screenshots under target/screenshots/.
 */
@QuarkusTest
class AgentProductivityInBrowserTest {

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    @TestHTTPResource("/")
    URL base;

    private static String lang(String locale) {
        return locale.startsWith("zh") ? "zh-CN" : "en";
    }

    private static String visitorToken(String channelKey, String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name))
                .when().post("/api/v1/widget/" + channelKey + "/visitors").then().statusCode(200)
                .extract().path("visitorToken");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void aChineseSearchFindsAMessageAndOpensIt(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String jwt = Chat.login(agent.email());
        try (WsClient v = Chat.visitorSocket(base, visitorToken(team.channelKey(), "Lin"))) {
            var ack = Chat.send(v, null, clientId(), "我想办理退货退款手续");
            String c = ack.path("conversationId").asText();
            long seq = ack.path("seq").asLong();
            v.await(type("assigned", c), WAIT);
            // More than the chat loads at first: the message found lies further back than that.
            for (int i = 1; i <= 60; i++) {
                Chat.send(v, c, clientId(), "later message " + i);
            }
            given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(200);
            v.await(type("closed", c), WAIT);

            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            console.page.getByTestId("search-input").fill("退款");
            Locator hit = console.page.locator("[data-testid=search-result][data-conversation-id='" + c + "'][data-seq='" + seq + "']");
            assertThat(hit).isVisible();
            assertThat(hit).containsText("我想办理退货退款手续");
            assertThat(hit.locator("mark")).hasText("退款");
            assertThat(hit).containsText("Lin");
            assertThat(console.page.getByTestId("search-result")).hasCount(1);
            BrowserSupport.screenshot(console.page, "search-results-" + lang(locale));

            hit.click();
            Locator found = console.page.locator("[data-testid=chat-message][data-seq='" + seq + "']");
            assertThat(found).isVisible();
            assertThat(found).hasAttribute("data-found", "true");
            assertThat(found).containsText("我想办理退货退款手续");
            assertThat(console.page.getByTestId("chat-input")).isHidden();
            BrowserSupport.screenshot(console.page, "search-opened-" + lang(locale));

            // Escape gives the list back.
            console.page.getByTestId("search-input").press("Escape");
            assertThat(console.page.getByTestId("search-result")).hasCount(0);
            assertThat(console.page.getByTestId("conv-tab-open")).isVisible();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void aSearchNarrowedToAPeriodAndAChannelFindsOnlyThoseMessages(String locale) throws SQLException {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        UUID tenant = UUID.fromString(team.tenantId());
        UUID web = UUID.fromString(team.channelId());
        UUID shop = UUID.randomUUID();
        String recentWeb;
        String recentShop;
        try (Connection c = Fixtures.connect()) {
            // A second channel of the same team: the agent sees both.
            sql(c, "insert into channels (id, tenant_id, kind, name, public_key, secret, group_id) values (?, ?, 'web', 'Shop', ?, 's', ?)",
                    shop, tenant, "shop-" + shop, UUID.fromString(team.groupId()));
            recentWeb = pastConversation(c, team, web, 2, "上周申请的退款还没到");
            recentShop = pastConversation(c, team, shop, 3, "商城订单退款进度");
            pastConversation(c, team, web, 40, "去年的退款问题");
        }
        try {
            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            Locator results = console.page.getByTestId("search-result");
            console.page.getByTestId("search-input").fill("退款");
            assertThat(results).hasCount(3);

            console.page.getByTestId("search-period").selectOption("30");
            assertThat(results).hasCount(2);
            assertThat(console.page.locator("[data-testid=search-result][data-conversation-id='" + recentWeb + "']")).hasCount(1);
            console.page.getByTestId("search-channel").selectOption(shop.toString());
            assertThat(results).hasCount(1);
            assertThat(results).hasAttribute("data-conversation-id", recentShop);
            assertThat(console.page.getByTestId("search-channel")).hasValue(shop.toString());
            BrowserSupport.screenshot(console.page, "search-filtered-" + lang(locale));
            console.page.getByTestId("search-period").selectOption("");
            assertThat(results).hasCount(1);

            // A search closed and begun again starts from the whole history.
            console.page.getByTestId("search-close").click();
            console.page.getByTestId("search-input").fill("退款");
            assertThat(results).hasCount(3);
            assertThat(console.page.getByTestId("search-period")).hasValue("");
            assertThat(console.page.getByTestId("search-channel")).hasValue("");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    /** A closed conversation of the team's group on this channel, {@code daysAgo} old, with one visitor message. */
    private static String pastConversation(Connection c, Fixtures.Team team, UUID channel, int daysAgo, String text) throws SQLException {
        UUID tenant = UUID.fromString(team.tenantId());
        UUID visitor = UUID.randomUUID();
        UUID conversation = UUID.randomUUID();
        sql(c, "insert into visitors (id, tenant_id, channel_id, name) values (?, ?, ?, ?)", visitor, tenant, channel, "Visitor " + daysAgo);
        sql(c, """
                insert into conversations (id, tenant_id, channel_id, visitor_id, group_id, state, last_seq, created_at, closed_at, close_reason)
                values (?, ?, ?, ?, ?, 'closed', 1, now() - make_interval(days => ?), now() - make_interval(days => ?), 'agent')""",
                conversation, tenant, channel, visitor, UUID.fromString(team.groupId()), daysAgo, daysAgo);
        try (PreparedStatement ps = c.prepareStatement("""
                insert into messages (tenant_id, conversation_id, seq, sender_kind, sender_id, text, search, created_at)
                values (?, ?, 1, 'visitor', ?, ?, array_to_tsvector(?), now() - make_interval(days => ?))""")) {
            ps.setObject(1, tenant);
            ps.setObject(2, conversation);
            ps.setObject(3, visitor);
            ps.setString(4, text);
            ps.setArray(5, c.createArrayOf("text", SearchTokens.indexArray(text)));
            ps.setInt(6, daysAgo);
            ps.executeUpdate();
        }
        return conversation.toString();
    }

    private static void sql(Connection c, String statement, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void aBatchCloseFreesCapacity(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        List<WsClient> visitors = new ArrayList<>();
        try {
            List<String> ids = new ArrayList<>();
            for (String name : List.of("Lin", "Mei", "Zhao")) {
                WsClient v = Chat.visitorSocket(base, visitorToken(team.channelKey(), name));
                visitors.add(v);
                String c = Chat.send(v, null, clientId(), "Hello from " + name).path("conversationId").asText();
                v.await(type("assigned", c), WAIT);
                ids.add(c);
            }
            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            assertThat(console.items()).hasCount(3);
            assertThat(console.page.getByTestId("my-load")).hasText("3 / 5");

            console.item(ids.get(0)).getByTestId("conv-check").check();
            console.item(ids.get(1)).getByTestId("conv-check").check();
            assertThat(console.page.getByTestId("batch-count")).containsText("2");
            // Checking a row does not open it.
            assertThat(console.page.getByTestId("chat-input")).isHidden();
            console.page.getByTestId("batch-close").click();
            assertThat(console.page.getByTestId("batch-close-confirm")).isVisible();
            BrowserSupport.screenshot(console.page, "batch-confirm-" + lang(locale));
            console.page.getByTestId("batch-close-confirm").click();

            assertThat(console.items()).hasCount(1);
            assertThat(console.item(ids.get(2))).isVisible();
            assertThat(console.page.getByTestId("my-load")).hasText("1 / 5");
            assertThat(console.page.getByTestId("batch-summary")).hasAttribute("data-done", "2");
            assertThat(console.page.getByTestId("batch-summary")).hasAttribute("data-failed", "0");
            BrowserSupport.screenshot(console.page, "batch-closed-" + lang(locale));
            visitors.get(0).await(type("closed", ids.get(0)), WAIT);
            visitors.get(1).await(type("closed", ids.get(1)), WAIT);

            // Closing what is already closed fails for each: they stay checked and say why.
            console.page.getByTestId("conv-tab-ended").click();
            assertThat(console.items()).hasCount(2);
            console.item(ids.get(0)).getByTestId("conv-check").check();
            console.item(ids.get(1)).getByTestId("conv-check").check();
            console.page.getByTestId("batch-close").click();
            console.page.getByTestId("batch-close-confirm").click();
            assertThat(console.page.getByTestId("batch-summary")).hasAttribute("data-failed", "2");
            for (String id : ids.subList(0, 2)) {
                assertThat(console.item(id).getByTestId("batch-error")).hasText(locale.startsWith("zh") ? "会话已结束。" : "Already closed.");
                assertThat(console.item(id).getByTestId("conv-check")).isChecked();
            }
            assertThat(console.page.getByTestId("batch-count")).containsText("2");
            BrowserSupport.screenshot(console.page, "batch-failed-" + lang(locale));
            assertThat(BrowserSupport.DIALOGS).isEmpty();
        } finally {
            visitors.forEach(WsClient::close);
            Chat.retire(team.tenantId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void aStarToggledInTheChatListsTheConversationInStarredAndRecentOpensAServedContact(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String jwt = Chat.login(agent.email());
        try (WsClient mei = Chat.visitorSocket(base, visitorToken(team.channelKey(), "Mei"));
             WsClient lin = Chat.visitorSocket(base, visitorToken(team.channelKey(), "Lin"))) {
            String served = Chat.send(mei, null, clientId(), "Thanks, that was all").path("conversationId").asText();
            mei.await(type("assigned", served), WAIT);
            given().auth().oauth2(jwt).when().post("/api/v1/conversations/" + served + "/close").then().statusCode(200);
            mei.await(type("closed", served), WAIT);
            String open = Chat.send(lin, null, clientId(), "Where is my parcel?").path("conversationId").asText();
            lin.await(type("assigned", open), WAIT);

            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            console.item(open).click();
            Locator star = console.page.getByTestId("chat-star");
            assertThat(star).hasAttribute("data-starred", "false");
            star.click();
            assertThat(star).hasAttribute("data-starred", "true");
            console.page.getByTestId("conv-tab-starred").click();
            assertThat(console.items()).hasCount(1);
            assertThat(console.item(open)).isVisible();
            BrowserSupport.screenshot(console.page, "starred-" + lang(locale));
            List<String> starred = given().auth().oauth2(jwt).when().get("/api/v1/conversations?starred=true").then()
                    .statusCode(200).extract().path("id");
            assertThat(starred).containsExactly(open);

            star.click();
            assertThat(star).hasAttribute("data-starred", "false");
            assertThat(console.items()).hasCount(0);

            console.page.getByTestId("conv-tab-recent").click();
            Locator contact = console.page.locator("[data-testid=recent-contact][data-conversation-id='" + served + "']");
            assertThat(contact).containsText("Mei");
            assertThat(console.page.getByTestId("recent-contact")).hasCount(2);
            BrowserSupport.screenshot(console.page, "recent-" + lang(locale));
            contact.click();
            assertThat(console.messages("visitor").first()).containsText("Thanks, that was all");
            assertThat(console.page.getByTestId("chat-input")).isHidden();
            assertThat(console.page.getByTestId("conv-tab-recent")).hasAttribute("aria-selected", "true");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void aKnowledgeBaseArticleFoundBesideTheChatIsInsertedAtTheCursorKeepingTheDraft(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        String body = "收到商品七天内，可以申请办理退货退款手续，运费由我们承担。";
        String article = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("title", "售后政策 <b>refunds</b>", "body", body, "tags", List.of("售后")))
                .when().post("/api/v1/admin/kb/articles").then().statusCode(201).extract().path("id");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("title", "发货时间", "body", "订单会在付款后四十八小时内发货。"))
                .when().post("/api/v1/admin/kb/articles").then().statusCode(201);
        try (WsClient v = Chat.visitorSocket(base, visitorToken(team.channelKey(), "Lin"))) {
            String c = Chat.send(v, null, clientId(), "我的退款到哪了？").path("conversationId").asText();
            v.await(type("assigned", c), WAIT);

            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            console.item(c).click();
            Locator input = console.page.getByTestId("chat-input");
            input.fill("您好，祝好");
            input.press("ArrowLeft");
            input.press("ArrowLeft");

            console.page.getByTestId("side-tab-kb").click();
            console.page.getByTestId("kb-search").fill("退款");
            Locator result = console.page.getByTestId("kb-result");
            assertThat(result).hasCount(1);
            assertThat(result).hasAttribute("data-id", article);
            assertThat(result).containsText("售后政策 <b>refunds</b>");
            assertThat(result.locator("b")).hasCount(0);
            assertThat(result).containsText("退款");
            BrowserSupport.screenshot(console.page, "kb-search-" + lang(locale));

            result.getByTestId("kb-insert").click();
            assertThat(input).hasValue("您好，" + body + "祝好");
            BrowserSupport.screenshot(console.page, "kb-inserted-" + lang(locale));

            // The customer panel is one click away, as it was.
            console.page.getByTestId("side-tab-customer").click();
            assertThat(console.page.locator("[data-testid=customer-field][data-field=name]")).hasText("Lin");
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "zh-CN"})
    void anArticlesAddressInsertedFromTheKnowledgeBaseReachesTheVisitorAsALinkAndScriptAddressesStayText(String locale) {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = Chat.login(team.adminEmail());
        String url = "https://help.example.com/zh/refunds?from=chat#steps";
        String published = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("title", "退款流程", "body", "办理退货退款手续请先联系客服。", "url", url))
                .when().post("/api/v1/admin/kb/articles").then().statusCode(201).extract().path("id");
        String unpublished = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("title", "退款时效", "body", "退款三个工作日内到账。"))
                .when().post("/api/v1/admin/kb/articles").then().statusCode(201).extract().path("id");
        try {
            WidgetPage visitor = WidgetPage.open(browser.newPage(locale), base, team.channelKey());
            ConsolePage console = ConsolePage.open(browser.newPage(locale), base).login(agent.email());
            visitor.send("怎么退款？");
            console.openOnlyConversation();
            Locator input = console.page.getByTestId("chat-input");
            input.fill("请看：");

            console.page.getByTestId("side-tab-kb").click();
            console.page.getByTestId("kb-search").fill("退款");
            Locator results = console.page.getByTestId("kb-result");
            assertThat(results).hasCount(2);
            // Only an article published at an address offers its link.
            assertThat(console.page.locator("[data-testid=kb-result][data-id='" + published + "'] [data-testid=kb-insert-link]"))
                    .hasCount(1);
            assertThat(console.page.locator("[data-testid=kb-result][data-id='" + unpublished + "'] [data-testid=kb-insert-link]"))
                    .hasCount(0);
            BrowserSupport.screenshot(console.page, "kb-link-" + lang(locale));
            console.page.locator("[data-testid=kb-result][data-id='" + published + "'] [data-testid=kb-insert-link]").click();
            assertThat(input).hasValue("请看：" + url + " ");
            input.pressSequentially("谢谢");
            input.press("Enter");

            // Both sides show the address as a link that opens apart from the page; the words after it are not part of it.
            Locator sent = console.messages("agent").locator(".bubble a");
            assertThat(sent).hasAttribute("href", url);
            assertThat(sent).hasText(url);
            assertThat(sent).hasAttribute("target", "_blank");
            assertThat(sent).hasAttribute("rel", "noopener noreferrer nofollow");
            Locator received = visitor.messages("agent").locator(".sb-bubble a");
            assertThat(received).hasAttribute("href", url);
            assertThat(received).hasAttribute("rel", "noopener noreferrer nofollow");
            assertThat(visitor.messages("agent").locator(".sb-bubble")).hasText("请看：" + url + " 谢谢");
            BrowserSupport.screenshot(visitor.page, "widget-link-" + lang(locale));

            // Only http and https become links, a sentence's full stop and Chinese text after one stay out,
            // and markup stays text.
            visitor.send("javascript:alert(1) <a href=\"https://evil.example\">x</a> 订单见https://shop.example.com/o/42。好的. See http://shop.example.com/(a).");
            Locator bubble = console.messages("visitor").last().locator(".bubble");
            assertThat(bubble.locator("a")).hasCount(3);
            assertThat(bubble.locator("a").nth(0)).hasAttribute("href", "https://evil.example");
            assertThat(bubble.locator("a").nth(1)).hasAttribute("href", "https://shop.example.com/o/42");
            assertThat(bubble.locator("a").nth(2)).hasAttribute("href", "http://shop.example.com/(a)");
            assertThat(bubble).containsText("<a href=\"https://evil.example\">x</a>");
            assertThat(bubble.locator("a[href^=javascript]")).hasCount(0);
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
