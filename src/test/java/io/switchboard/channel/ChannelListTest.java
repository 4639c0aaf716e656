package io.switchboard.channel;

import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

/** Staff read their tenant's channels by name (the console's queue filter), nothing secret and nobody else's. */
@QuarkusTest
class ChannelListTest {

    @Test
    void agentsSeeTheirTenantsChannelsWithoutKeysOrSecrets() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.team(1, 5);
        given().auth().oauth2(Chat.login(team.agents().get(0).email())).when().get("/api/v1/channels").then()
                .statusCode(200)
                .body("id", contains(team.channelId()))
                .body("name", contains("Web"))
                .body("kind", contains("web"))
                .body("removed", contains(false))
                .body("[0]", not(hasKey("secret")))
                .body("[0]", not(hasKey("publicKey")));
        given().when().get("/api/v1/channels").then().statusCode(401);
    }

    @Test
    void aRemovedChannelIsListedAsRemovedSoItsWaitingConversationsKeepTheirChannelName() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String shop = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Shop", "kind", "web", "groupId", team.groupId()))
                .when().post("/api/v1/admin/channels").then().statusCode(201).extract().path("id");
        given().auth().oauth2(admin).when().delete("/api/v1/admin/channels/" + shop).then().statusCode(204);

        given().auth().oauth2(Chat.login(team.agents().get(0).email())).when().get("/api/v1/channels").then()
                .statusCode(200)
                .body("name", contains("Shop", "Web"))
                .body("id", contains(shop, team.channelId()))
                .body("removed", contains(true, false));
    }
}
