package io.switchboard.conversation;

import io.restassured.http.ContentType;
import io.switchboard.testing.Fixtures;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Helpers for the teamwork tests (C6, C7, C8): statuses, loads and ids, through the public API. */
final class Teamwork {

    private Teamwork() {}

    static void status(String jwt, String status) {
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("status", status))
                .when().put("/api/v1/agents/me/status").then().statusCode(200);
    }

    static int load(String jwt) {
        return given().auth().oauth2(jwt).when().get("/api/v1/me").then().statusCode(200).extract().path("load");
    }

    static String assignee(String jwt, String conversationId) {
        return given().auth().oauth2(jwt).when().get("/api/v1/conversations/" + conversationId)
                .then().statusCode(200).extract().path("assignee.id");
    }

    static long openLoadInPostgres(String agentId) {
        return Fixtures.count("select count(*) from conversations where assignee_id = ? and state = 'open'", agentId);
    }

    static void sql(String sql, Object... args) {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof String s && s.length() == 36 && s.charAt(8) == '-' ? UUID.fromString(s) : args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
