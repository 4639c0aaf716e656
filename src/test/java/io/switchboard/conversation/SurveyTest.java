package io.switchboard.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.frame;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Satisfaction surveys (C8): staff ask once, the visitor answers 1 to 5 with a comment once,
 * staff see the rating live, in the conversation and in the list; an unanswered survey is
 * asked again on resume; {@code surveyOnClose} asks on staff closes only.
 */
@QuarkusTest
class SurveyTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    ConversationService conversations;

    private static String refOf(JsonNode f) {
        return f.path("ref").asText();
    }

    @Test
    void aSurveyIsSentOnceAndAnsweredOnceAndStaffSeeTheRating() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        try (WsClient s1 = Chat.agentSocket(base, j1);
             WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            s1.await(type("assigned", c), WAIT);

            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c + "/survey").then().statusCode(200);
            v.await(type("survey", c), WAIT);
            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c + "/survey").then().statusCode(409);

            v.send(frame("rate", "conversationId", c, "score", 5, "comment", "quick and kind"));
            assertThat(v.await(type("notice", c), WAIT).path("code").asText()).isEqualTo("rating_saved");
            JsonNode rated = s1.await(type("rated", c), WAIT);
            assertThat(rated.path("score").asInt()).isEqualTo(5);
            assertThat(rated.path("comment").asText()).isEqualTo("quick and kind");

            v.send(frame("rate", "conversationId", c, "score", 1, "comment", "changed my mind"));
            assertThat(v.await(type("error"), WAIT).path("code").asText()).isEqualTo("conflict");
            assertThat(Fixtures.count("select score from conversation_surveys where conversation_id = ?", c)).isEqualTo(5);

            JsonNode view = given().auth().oauth2(j1).when().get("/api/v1/conversations/" + c).then().statusCode(200)
                    .extract().as(JsonNode.class);
            assertThat(view.path("rating").path("score").asInt()).isEqualTo(5);
            assertThat(view.path("rating").path("comment").asText()).isEqualTo("quick and kind");
            assertThat(view.path("rating").path("at").isTextual()).isTrue();
            List<Integer> scores = given().auth().oauth2(j1).when().get("/api/v1/conversations").then().statusCode(200)
                    .extract().path("findAll { it.id == '" + c + "' }.rating");
            assertThat(scores).containsExactly(5);
            assertThat(Fixtures.count("select count(*) from conversation_events where conversation_id = ? and kind in ('survey_sent', 'rated')", c))
                    .isEqualTo(2);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anUnratedConversationShowsRatingNullInTheListAndTheConversation() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));
            JsonNode view = given().auth().oauth2(j1).when().get("/api/v1/conversations/" + c).then().extract().as(JsonNode.class);
            assertThat(view.has("rating")).isTrue();
            assertThat(view.path("rating").isNull()).isTrue();
            JsonNode list = given().auth().oauth2(j1).when().get("/api/v1/conversations").then().extract().as(JsonNode.class);
            assertThat(list.get(0).has("rating")).isTrue();
            assertThat(list.get(0).path("rating").isNull()).isTrue();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aRatingOutOfRangeOrWithATooLongCommentIsRefusedAndNothingIsStored() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));
            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c + "/survey").then().statusCode(200);

            v.send(frame("rate", "conversationId", c, "score", 6));
            assertThat(v.await(type("error"), WAIT).path("code").asText()).isEqualTo("invalid");
            v.send(frame("rate", "conversationId", c, "score", 4, "comment", "x".repeat(1001)));
            assertThat(v.await(type("error"), WAIT).path("code").asText()).isEqualTo("invalid");
            assertThat(Fixtures.count("select count(*) from conversation_surveys where conversation_id = ? and score is not null", c)).isZero();
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void anUnansweredSurveyIsAskedAgainWhenTheVisitorResumes() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient v = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));
            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c + "/close").then().statusCode(200);
            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c + "/survey").then().statusCode(200);
            v.await(type("survey", c), WAIT);

            // The page reloads: the card comes back until it is answered.
            try (WsClient reloaded = Chat.visitorSocket(base, visitor.token())) {
                reloaded.send(frame("resume"));
                reloaded.await(type("survey", c), WAIT);
                reloaded.send(frame("rate", "conversationId", c, "score", 4));
                reloaded.await(type("notice", c), WAIT);
            }
            try (WsClient later = Chat.visitorSocket(base, visitor.token())) {
                later.send(frame("resume"));
                later.await(type("closed", c), WAIT);
                assertThat(later.drain(Duration.ofMillis(500)).stream().anyMatch(type("survey"))).isFalse();
                assertThat(later.seen().stream().anyMatch(type("survey"))).isFalse();
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void surveyOnCloseAsksWhenStaffCloseButNotOnTimeoutsOrVisitorCloses() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String j1 = Chat.login(team.agents().get(0).email());
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("surveyOnClose", true))
                .when().put("/api/v1/admin/settings").then().statusCode(200);
        assertThat(given().auth().oauth2(admin).when().get("/api/v1/admin/settings").then().extract().<Boolean>path("surveyOnClose"))
                .isTrue();
        try (WsClient byStaff = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient byTimeout = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token());
             WsClient byVisitor = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c1 = Chat.send(byStaff, null, clientId(), "one").path("conversationId").asText();
            String c2 = Chat.send(byTimeout, null, clientId(), "two").path("conversationId").asText();
            String c3 = Chat.send(byVisitor, null, clientId(), "three").path("conversationId").asText();
            Chat.received(byStaff, type("assigned", c1));
            Chat.received(byTimeout, type("assigned", c2));
            Chat.received(byVisitor, type("assigned", c3));

            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c1 + "/close").then().statusCode(200);
            Chat.received(byStaff, type("survey", c1));

            silentForAnHour(c2);
            conversations.closeSilent(team.tenantId(), c2, Duration.ofSeconds(2), 2).await().atMost(Duration.ofSeconds(10));
            Chat.received(byTimeout, type("closed", c2));

            byVisitor.send(frame("close", "conversationId", c3));
            Chat.received(byVisitor, type("closed", c3));

            assertThat(Fixtures.count("select count(*) from conversation_surveys where conversation_id = ?", c1)).isEqualTo(1);
            assertThat(Fixtures.count("select count(*) from conversation_surveys where conversation_id = ?", c2)).isZero();
            assertThat(Fixtures.count("select count(*) from conversation_surveys where conversation_id = ?", c3)).isZero();
            // A survey already sent by the close: asking again is 409.
            given().auth().oauth2(j1).when().post("/api/v1/conversations/" + c1 + "/survey").then().statusCode(409);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void onlyTheAssigneeASupervisorOrAnAdminSendsASurveyAndAnotherTenantGetsNotFound() {
        Fixtures.Team team = Fixtures.team(2, 5);
        String j1 = Chat.login(team.agents().get(0).email());
        String j2 = Chat.login(team.agents().get(1).email());
        Teamwork.status(j2, "break");
        Fixtures.Team stranger = Fixtures.team(1, 5);
        try (WsClient v = Chat.visitorSocket(base, Chat.visitor(team.channelKey()).token())) {
            String c = Chat.send(v, null, clientId(), "hello").path("conversationId").asText();
            Chat.received(v, type("assigned", c));
            given().auth().oauth2(j2).when().post("/api/v1/conversations/" + c + "/survey").then().statusCode(403);
            given().auth().oauth2(Chat.login(stranger.adminEmail())).when().post("/api/v1/conversations/" + c + "/survey")
                    .then().statusCode(404);
            given().auth().oauth2(Chat.login(team.adminEmail())).when().post("/api/v1/conversations/" + c + "/survey")
                    .then().statusCode(200);
        } finally {
            Chat.retire(team.tenantId());
            Chat.retire(stranger.tenantId());
        }
    }

    private static void silentForAnHour(String conversationId) throws SQLException {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement("""
                update conversations set last_visitor_message_at = now() - interval '1 hour',
                                         assigned_at = now() - interval '1 hour' where id = ?""")) {
            ps.setObject(1, UUID.fromString(conversationId));
            ps.executeUpdate();
        }
    }
}
