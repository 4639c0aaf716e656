package io.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.switchboard.conversation.Chat;
import io.switchboard.security.IdentityHash;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.WAIT;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Channel administration (A5, web kind): an admin creates, lists, reads, changes, removes a
 * channel and rotates its secret; the secret is shown once; a removed channel keeps its
 * history and its widget answers 404; a tenant created by the bootstrap alone gets its first
 * channel and a visitor chats through it.
 */
@QuarkusTest
class AdminChannelTest {

    private static final String CHANNELS = "/api/v1/admin/channels";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String HEX64 = "[0-9a-f]{64}";

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification as(String jwt) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static long channels(String tenantId) {
        return Fixtures.count("select count(*) from channels where tenant_id = ?", tenantId);
    }

    private static int visitorStatus(String key, String userId, String hash) {
        Map<String, Object> b = userId == null ? Map.of() : Map.of("userId", userId, "userHash", hash);
        return given().contentType(ContentType.JSON).body(b).when().post("/api/v1/widget/" + key + "/visitors")
                .then().extract().statusCode();
    }

    private static String uniqueKey() {
        return "k-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void adminCreatesListsReadsAndChangesAWebChannelWhoseSecretIsShownOnce() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());

        // No key given: one is made. The secret is in this answer only.
        var created = as(admin).body(body("name", "Shop", "kind", "web", "groupId", team.groupId()))
                .when().post(CHANNELS)
                .then().statusCode(201)
                .body("name", equalTo("Shop")).body("kind", equalTo("web")).body("groupId", equalTo(team.groupId()))
                .body("key", matchesPattern("web-[0-9a-f]{16}")).body("secret", matchesPattern(HEX64))
                .body("createdAt", notNullValue())
                .extract();
        String id = created.path("id");
        String key = created.path("key");
        String secret = created.path("secret");

        as(admin).when().get(CHANNELS).then().statusCode(200)
                .body("id", hasItem(id)).body("id", hasItem(team.channelId()))
                .body("find { it.id == '" + id + "' }.key", equalTo(key))
                .body("secret", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.nullValue()))
                .body(not(containsString(secret)));
        as(admin).when().get(CHANNELS + "/" + id).then().statusCode(200)
                .body("name", equalTo("Shop")).body("key", equalTo(key))
                .body("$", not(org.hamcrest.Matchers.hasKey("secret")));

        // The widget takes visitors at once, and the secret signs identities.
        assertThat(visitorStatus(key, null, null)).isEqualTo(200);
        assertThat(visitorStatus(key, "cust-1", IdentityHash.sign("cust-1", secret))).isEqualTo(200);

        // A chosen key, then changes: fields left out stay.
        String chosen = uniqueKey();
        as(admin).body(body("name", "Help desk", "kind", "web", "key", chosen, "groupId", team.groupId()))
                .when().post(CHANNELS).then().statusCode(201).body("key", equalTo(chosen));
        String renamedKey = uniqueKey();
        as(admin).body(body("name", "  Shop EU  ", "key", renamedKey)).when().put(CHANNELS + "/" + id)
                .then().statusCode(200)
                .body("name", equalTo("Shop EU")).body("key", equalTo(renamedKey)).body("groupId", equalTo(team.groupId()))
                .body("$", not(org.hamcrest.Matchers.hasKey("secret")));
        assertThat(visitorStatus(renamedKey, null, null)).isEqualTo(200);
        assertThat(visitorStatus(key, null, null)).as("the old key after a change").isEqualTo(404);
        assertThat(visitorStatus(renamedKey, "cust-1", IdentityHash.sign("cust-1", secret))).as("the secret survives a change").isEqualTo(200);
    }

    @Test
    void invalidChannelsAreRefusedWithEveryFieldErrorAndNothingIsWritten() {
        Fixtures.Team team = Fixtures.team(0, 5);
        Fixtures.Team other = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        long before = channels(team.tenantId());

        as(admin).body(body("name", " ", "key", "Not A Key!", "groupId", other.groupId()))
                .when().post(CHANNELS)
                .then().statusCode(400).contentType(startsWith(PROBLEM_JSON))
                .body("errors.field", containsInAnyOrder("name", "kind", "key"));
        // Another tenant's group is as unknown as a missing one.
        as(admin).body(body("name", "Shop", "kind", "web", "groupId", other.groupId()))
                .when().post(CHANNELS)
                .then().statusCode(400).body("errors[0].field", equalTo("groupId")).body("errors[0].message", equalTo("no such group"));
        as(admin).body(body("name", "Shop", "kind", "web"))
                .when().post(CHANNELS).then().statusCode(400).body("errors[0].field", equalTo("groupId"));
        // Kinds without an adapter yet, and kinds that do not exist.
        as(admin).body(body("name", "Official account", "kind", "wechat", "groupId", team.groupId()))
                .when().post(CHANNELS)
                .then().statusCode(400).body("errors[0].field", equalTo("kind"))
                .body("errors[0].message", equalTo("wechat channels are not available yet; one of: web"));
        as(admin).body(body("name", "App", "kind", "api", "groupId", team.groupId()))
                .when().post(CHANNELS).then().statusCode(400).body("errors[0].message", startsWith("api channels are not available yet"));
        as(admin).body(body("name", "Fax", "kind", "fax", "groupId", team.groupId()))
                .when().post(CHANNELS).then().statusCode(400).body("errors[0].message", equalTo("one of: web"));
        as(admin).when().post(CHANNELS).then().statusCode(400);
        assertThat(channels(team.tenantId())).isEqualTo(before);

        // A change that breaks a rule changes nothing, and the kind is fixed.
        as(admin).body(body("name", "", "kind", "wechat")).when().put(CHANNELS + "/" + team.channelId())
                .then().statusCode(400).body("errors.field", containsInAnyOrder("name", "kind"));
        as(admin).body(body("groupId", other.groupId())).when().put(CHANNELS + "/" + team.channelId())
                .then().statusCode(400).body("errors[0].field", equalTo("groupId"));
        as(admin).when().get(CHANNELS + "/" + team.channelId()).then().statusCode(200)
                .body("name", equalTo("Web")).body("kind", equalTo("web")).body("groupId", equalTo(team.groupId()));
    }

    @Test
    void aKeyIsUniqueAcrossTheDeploymentRemovedChannelsIncluded() {
        Fixtures.Team team = Fixtures.team(0, 5);
        Fixtures.Team other = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        long before = channels(team.tenantId());

        // Another tenant's key: the widget finds channels by key alone, so it must stay theirs.
        as(admin).body(body("name", "Shop", "kind", "web", "key", other.channelKey(), "groupId", team.groupId()))
                .when().post(CHANNELS)
                .then().statusCode(409).contentType(startsWith(PROBLEM_JSON)).body("errors[0].field", equalTo("key"));
        assertThat(channels(team.tenantId())).isEqualTo(before);

        String id = as(admin).body(body("name", "Second", "kind", "web", "groupId", team.groupId()))
                .when().post(CHANNELS).then().statusCode(201).extract().path("id");
        as(admin).body(body("key", team.channelKey())).when().put(CHANNELS + "/" + id).then().statusCode(409);

        // A removed channel's key is not handed out again: old embeds must never reach a new owner.
        as(admin).when().delete(CHANNELS + "/" + team.channelId()).then().statusCode(204);
        as(admin).body(body("name", "Reuse", "kind", "web", "key", team.channelKey(), "groupId", team.groupId()))
                .when().post(CHANNELS).then().statusCode(409);
    }

    @Test
    void onlyAdminsManageChannels() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String supervisor = Chat.login(staff(team.tenantId(), "supervisor"));
        String agent = Chat.login(team.agents().get(0).email());
        long before = channels(team.tenantId());
        for (String jwt : List.of(supervisor, agent)) {
            as(jwt).when().get(CHANNELS).then().statusCode(403);
            as(jwt).when().get(CHANNELS + "/" + team.channelId()).then().statusCode(403);
            as(jwt).body(body("name", "Shop", "kind", "web", "groupId", team.groupId())).when().post(CHANNELS).then().statusCode(403);
            as(jwt).body(body("name", "Renamed")).when().put(CHANNELS + "/" + team.channelId()).then().statusCode(403);
            as(jwt).when().post(CHANNELS + "/" + team.channelId() + "/secret").then().statusCode(403);
            as(jwt).when().delete(CHANNELS + "/" + team.channelId()).then().statusCode(403);
        }
        given().when().get(CHANNELS).then().statusCode(401);
        assertThat(channels(team.tenantId())).isEqualTo(before);
        assertThat(Fixtures.count("select count(*) from channels where id = ? and name = 'Web' and deleted_at is null and secret = ?",
                team.channelId(), team.channelSecret())).isEqualTo(1);
    }

    @Test
    void anotherTenantsChannelAnswers404() {
        Fixtures.Team team = Fixtures.team(0, 5);
        Fixtures.Team other = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        String theirs = CHANNELS + "/" + other.channelId();
        as(admin).when().get(theirs).then().statusCode(404).contentType(startsWith(PROBLEM_JSON));
        as(admin).body(body("name", "Mine now")).when().put(theirs).then().statusCode(404);
        as(admin).when().post(theirs + "/secret").then().statusCode(404);
        as(admin).when().delete(theirs).then().statusCode(404);
        as(admin).when().get(CHANNELS).then().statusCode(200).body("id", not(hasItem(other.channelId())));
        as(admin).when().get(CHANNELS + "/not-a-uuid").then().statusCode(404);
        assertThat(Fixtures.count("select count(*) from channels where id = ? and name = 'Web' and deleted_at is null and secret = ?",
                other.channelId(), other.channelSecret())).isEqualTo(1);
        assertThat(visitorStatus(other.channelKey(), "c", IdentityHash.sign("c", other.channelSecret()))).isEqualTo(200);
    }

    @Test
    void rotatingTheSecretStopsOldIdentityHashesAtOnce() {
        Fixtures.Team team = Fixtures.team(0, 5);
        String admin = Chat.login(team.adminEmail());
        String oldHash = IdentityHash.sign("cust-9", team.channelSecret());
        assertThat(visitorStatus(team.channelKey(), "cust-9", oldHash)).isEqualTo(200);

        String secret = as(admin).when().post(CHANNELS + "/" + team.channelId() + "/secret")
                .then().statusCode(200)
                .body("id", equalTo(team.channelId())).body("key", equalTo(team.channelKey())).body("secret", matchesPattern(HEX64))
                .extract().path("secret");
        assertThat(secret).isNotEqualTo(team.channelSecret());

        assertThat(visitorStatus(team.channelKey(), "cust-9", oldHash)).as("a hash made with the old secret").isEqualTo(401);
        assertThat(visitorStatus(team.channelKey(), "cust-9", IdentityHash.sign("cust-9", secret))).isEqualTo(200);
        as(admin).when().get(CHANNELS + "/" + team.channelId()).then().statusCode(200).body(not(containsString(secret)));
        as(admin).when().get(CHANNELS).then().statusCode(200).body(not(containsString(secret)));
    }

    @Test
    void aRemovedChannelKeepsItsHistoryAndItsWidgetAnswers404() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String admin = Chat.login(team.adminEmail());
        String agentJwt = Chat.login(team.agents().get(0).email());
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        // A visitor whose token was handed out before the removal, and who had not written yet.
        Chat.Visitor late = Chat.visitor(team.channelKey());
        String conversationId;
        try (WsClient agentWs = Chat.agentSocket(base, agentJwt);
             WsClient visitorWs = Chat.visitorSocket(base, visitor.token())) {
            conversationId = Chat.send(visitorWs, null, clientId(), "Where is my parcel?").path("conversationId").asText();
            agentWs.await(type("assigned", conversationId), WAIT);
            Chat.send(agentWs, conversationId, clientId(), "On its way");
            agentWs.send(Chat.frame("close", "conversationId", conversationId));
            visitorWs.await(type("closed", conversationId), WAIT);
        }

        as(admin).when().delete(CHANNELS + "/" + team.channelId()).then().statusCode(204);

        // The widget takes no visitor on it, as for a key that never existed.
        given().contentType(ContentType.JSON).body(Map.of()).when().post("/api/v1/widget/" + team.channelKey() + "/visitors")
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON));
        assertThat(visitorStatus(team.channelKey(), "cust", IdentityHash.sign("cust", team.channelSecret()))).isEqualTo(404);
        // A token handed out before the removal outlives it, but starts no conversation there.
        try (WsClient lateWs = Chat.visitorSocket(base, late.token())) {
            String first = clientId();
            lateWs.send(Chat.frame("message", "clientId", first, "text", "Is anyone still here?"));
            assertThat(lateWs.await(Chat.errorFor(first), WAIT).path("code").asText()).isEqualTo("not_found");
        }
        assertThat(Fixtures.count("select count(*) from conversations where visitor_id = ?", late.id())).isZero();
        // Nor can an agent be limited to it any more.
        as(admin).body(Map.of("channelIds", List.of(team.channelId())))
                .when().put("/api/v1/admin/agents/" + team.agents().get(0).id()).then().statusCode(400);
        // Administration no longer shows it; a second removal or a rotation finds nothing.
        as(admin).when().get(CHANNELS).then().statusCode(200).body("id", not(hasItem(team.channelId())));
        as(admin).when().get(CHANNELS + "/" + team.channelId()).then().statusCode(404);
        as(admin).when().delete(CHANNELS + "/" + team.channelId()).then().statusCode(404);
        as(admin).when().post(CHANNELS + "/" + team.channelId() + "/secret").then().statusCode(404);
        // The conversation and its messages are kept and readable.
        as(admin).when().get("/api/v1/conversations/" + conversationId).then().statusCode(200)
                .body("id", equalTo(conversationId));
        as(admin).when().get("/api/v1/conversations/" + conversationId + "/messages").then().statusCode(200)
                .body("text", hasItem("Where is my parcel?")).body("text", hasItem("On its way"));
        assertThat(Fixtures.count("select count(*) from channels where id = ? and deleted_at is not null", team.channelId())).isEqualTo(1);
    }

    @Test
    void aTenantWithOnlyItsFirstAdminCreatesAChannelAndAVisitorChatsThroughIt() {
        // What the bootstrap leaves on an empty database: a tenant and its admin, nothing else.
        String adminEmail = staff(bareTenant(), "admin", "supervisor");
        String admin = Chat.login(adminEmail);
        as(admin).when().get(CHANNELS).then().statusCode(200).body("$", org.hamcrest.Matchers.empty());

        String groupId = as(admin).body(Map.of("name", "Support")).when().post("/api/v1/admin/groups")
                .then().statusCode(201).extract().path("id");
        String agentEmail = "first-agent-" + UUID.randomUUID().toString().substring(0, 8) + "@test.test";
        String agentId = as(admin).body(Map.of("email", agentEmail, "name", "Ada", "password", Fixtures.PASSWORD,
                        "roles", List.of("agent"), "groupIds", List.of(groupId)))
                .when().post("/api/v1/admin/agents").then().statusCode(201).extract().path("id");
        var channel = as(admin).body(Map.of("name", "Website", "kind", "web", "groupId", groupId))
                .when().post(CHANNELS).then().statusCode(201).extract();
        String key = channel.path("key");
        String channelId = channel.path("id");

        String agentJwt = Chat.login(agentEmail);
        as(agentJwt).body(Map.of("status", "online")).when().put("/api/v1/agents/me/status").then().statusCode(200);
        Chat.Visitor visitor = Chat.visitor(key);
        try (WsClient agentWs = Chat.agentSocket(base, agentJwt);
             WsClient visitorWs = Chat.visitorSocket(base, visitor.token())) {
            JsonNode ack = Chat.send(visitorWs, null, clientId(), "Hello, anyone there?");
            String conversationId = ack.path("conversationId").asText();
            JsonNode assigned = agentWs.await(type("assigned", conversationId), WAIT);
            assertThat(assigned.path("agent").path("id").asText()).isEqualTo(agentId);
            assertThat(agentWs.await(type("message", conversationId), WAIT).path("text").asText()).isEqualTo("Hello, anyone there?");
            Chat.send(agentWs, conversationId, clientId(), "Hi, Ada here");
            JsonNode reply = visitorWs.await(type("message", conversationId), WAIT);
            assertThat(reply.path("text").asText()).isEqualTo("Hi, Ada here");
            assertThat(reply.path("sender").path("kind").asText()).isEqualTo("agent");
            assertThat(Fixtures.count("select count(*) from conversations where id = ? and channel_id = ?",
                    conversationId, channelId)).isEqualTo(1);
            agentWs.send(Chat.frame("close", "conversationId", conversationId));
            visitorWs.await(type("closed", conversationId), WAIT);
        }
    }

    // ---------------------------------------------------------------- fixtures of this class

    private static final String HASH = BcryptUtil.bcryptHash(Fixtures.PASSWORD);

    /** A tenant with no group, channel or staff, as the bootstrap creates it before its admin. */
    private static String bareTenant() {
        UUID tenant = UUID.randomUUID();
        exec("insert into tenants (id, slug, name) values (?, ?, ?)", tenant, "bare-" + tenant.toString().substring(0, 8), "Bare");
        return tenant.toString();
    }

    /** A staff member with exactly these roles; returns the email (password {@link Fixtures#PASSWORD}). */
    private static String staff(String tenantId, String... roles) {
        String email = String.join("-", roles) + "-" + UUID.randomUUID().toString().substring(0, 8) + "@test.test";
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(
                "insert into staff_users (id, tenant_id, email, name, password_hash, roles) values (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, UUID.fromString(tenantId));
            ps.setString(3, email);
            ps.setString(4, "Staff " + String.join(" ", roles));
            ps.setString(5, HASH);
            ps.setArray(6, c.createArrayOf("text", roles));
            ps.executeUpdate();
            return email;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exec(String sql, Object... args) {
        try (Connection c = Fixtures.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
