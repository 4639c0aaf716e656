package io.switchboard.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;

import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Live state and fan-out come back by themselves when Redis drops connections or loses data. */
@QuarkusTest
class PubSubRecoveryTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisSubscriber subscriber;

    @Test
    void framesFlowAgainAfterRedisDropsTheSubscriberConnection() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient agentWs = Chat.agentSocket(base, Chat.login(team.agents().get(0).email()));
             WsClient visitorWs = Chat.visitorSocket(base, visitor.token())) {
            String conversationId = Chat.send(visitorWs, null, clientId(), "before").path("conversationId").asText();
            agentWs.await(type("assigned", conversationId), WAIT);

            // Redis forgets every subscription of a killed connection, silently. Only this
            // replica's subscriber is killed, so other processes sharing the Redis are left alone.
            assertThat(subscriber.redisClientId()).isPositive();
            redis.execute("CLIENT", "KILL", "ID", Long.toString(subscriber.redisClientId()));

            // Every local socket is told to resume, which proves the subscriber noticed and came back.
            agentWs.await(f -> "notice".equals(f.path("type").asText()) && "resync".equals(f.path("code").asText()), WAIT);
            visitorWs.await(f -> "notice".equals(f.path("type").asText()) && "resync".equals(f.path("code").asText()), WAIT);
            assertThat(subscriber.isConnected()).isTrue();

            Chat.send(visitorWs, conversationId, clientId(), "after the drop");
            JsonNode arrived = agentWs.await(f -> type("message", conversationId).test(f)
                    && "after the drop".equals(f.path("text").asText()), WAIT);
            assertThat(arrived.path("sender").path("kind").asText()).isEqualTo("visitor");

            Chat.send(agentWs, conversationId, clientId(), "and back");
            visitorWs.await(f -> "and back".equals(f.path("text").asText()), WAIT);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void lostLiveLoadIsRebuiltFromPostgresBeforeTheNextClaim() {
        Fixtures.Team team = Fixtures.team(1, 2);
        Fixtures.Agent agent = team.agents().get(0);
        String jwt = Chat.login(agent.email());
        try (WsClient agentWs = Chat.agentSocket(base, jwt)) {
            for (int i = 0; i < 2; i++) {
                try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
                    String id = Chat.send(v, null, clientId(), "hello " + i).path("conversationId").asText();
                    agentWs.await(type("assigned", id), WAIT);
                }
            }
            // Redis loses the agent's live hash (a restart without persistence, a flush).
            redis.key().del(RedisKeys.agent(team.tenantId(), agent.id()));

            // A third visitor must not get the full agent: the load is rebuilt from PostgreSQL (2 of 2).
            try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
                String id = Chat.send(v, null, clientId(), "third").path("conversationId").asText();
                v.await(type("queued", id), WAIT);
            }
            assertThat(Fixtures.count("select count(*) from conversations where assignee_id = ? and state = 'open'", agent.id()))
                    .isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    redis.hash(String.class).hget(RedisKeys.agent(team.tenantId(), agent.id()), "load")).isEqualTo("2"));
        } finally {
            Chat.retire(team.tenantId());
        }
    }
}
