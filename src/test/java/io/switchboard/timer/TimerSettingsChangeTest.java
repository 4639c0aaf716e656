package io.switchboard.timer;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.conversation.Chat;
import io.switchboard.conversation.TimerDeadlines;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A change of the timer settings (B6) reaches the timers once it is committed: conversations
 * already open get their deadlines with the new minutes, and a replica that read the settings
 * while the change was being written does not keep the old ones. A settings "minute" lasts one
 * second in tests.
 */
@QuarkusTest
class TimerSettingsChangeTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Inject
    TimerDeadlines timers;

    private static int putSettings(String adminToken, Integer autoCloseMinutes) {
        Map<String, Object> body = new HashMap<>();
        body.put("autoCloseMinutes", autoCloseMinutes);
        return given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/admin/settings").then().extract().statusCode();
    }

    private java.util.OptionalDouble closeDeadline(Fixtures.Team team, String conversationId) {
        return redis.sortedSet(String.class).zscore(RedisKeys.deadlines(team.tenantId()), TimerDeadlines.CLOSE + conversationId);
    }

    private String openConversation(WsClient visitor) {
        String c = Chat.send(visitor, null, clientId(), "hello").path("conversationId").asText();
        Chat.received(visitor, Chat.type("assigned", c));
        return c;
    }

    @Test
    void switchingAutoCloseOnGivesTheConversationsAlreadyOpenTheirDeadline() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = openConversation(visitor);
            assertThat(closeDeadline(team, c)).as("no timer runs yet").isEmpty();

            assertThat(putSettings(admin, 3)).isEqualTo(200);

            assertThat(closeDeadline(team, c)).as("deadline of the conversation open before the change").isPresent();
            Chat.received(visitor, Chat.type("closed", c));
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and state = 'closed' and close_reason = 'timeout'", c))
                    .isEqualTo(1);
        }
    }

    @Test
    void aSettingsReadWhileTheChangeIsWrittenDoesNotKeepTheOldMinutes() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        assertThat(putSettings(admin, null)).isEqualTo(200);

        CompletableFuture<Integer> change;
        try (Connection lock = Fixtures.connect()) {
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement("select 1 from tenant_settings where tenant_id = ? for update")) {
                ps.setObject(1, UUID.fromString(team.tenantId()));
                ps.executeQuery().close();
            }
            change = CompletableFuture.supplyAsync(() -> putSettings(admin, 3));
            // The change now waits for the row; meanwhile this replica's timers read the settings.
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()") > 0);
            assertThat(timers.settings(team.tenantId()).await().atMost(Duration.ofSeconds(5)).autoCloseMinutes())
                    .as("read before the change committed").isNull();
            lock.commit();
        }
        assertThat(change.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(timers.settings(team.tenantId()).await().atMost(Duration.ofSeconds(5)).autoCloseMinutes())
                .as("the replica that saved the change, at once").isEqualTo(3);

        try (WsClient visitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = openConversation(visitor);
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(closeDeadline(team, c)).as("deadline of a conversation started after the change").isPresent());
        }
    }
}
