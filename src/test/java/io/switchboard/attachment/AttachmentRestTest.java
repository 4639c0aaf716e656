package io.switchboard.attachment;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.switchboard.conversation.Chat.clientId;
import static io.switchboard.conversation.Chat.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Uploads and downloads of attachments over REST (C1): who may, what type (judged from the
 * bytes), how large, and how a file goes out.
 */
@QuarkusTest
class AttachmentRestTest {

    static final String PROBLEM = "application/problem+json";

    @TestHTTPResource("/")
    URL base;

    @jakarta.inject.Inject
    UnsentAttachments unsent;

    /** A live conversation assigned to the team's first agent, and the people in it. */
    record Scene(Fixtures.Team team, Chat.Visitor visitor, String conversationId, String agentJwt) {}

    Scene scene() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient ws = Chat.visitorSocket(base, visitor.token())) {
            String c = Chat.send(ws, null, clientId(), "here is my receipt").path("conversationId").asText();
            Chat.received(ws, type("assigned", c));
            return new Scene(team, visitor, c, Chat.login(team.agents().get(0).email()));
        }
    }

    static RequestSpecification as(String token) {
        return token == null ? given() : given().auth().oauth2(token);
    }

    static Response uploadByStaff(String jwt, String conversationId, byte[] bytes, String name) {
        return as(jwt).multiPart("file", name, bytes).when().post("/api/v1/conversations/" + conversationId + "/attachments");
    }

    static Response uploadByVisitor(String visitorToken, byte[] bytes, String name) {
        return as(visitorToken).multiPart("file", name, bytes).when().post("/api/v1/widget/attachments");
    }

    static Response download(String token, String id) {
        return as(token).when().get("/api/v1/attachments/" + id);
    }

    @Test
    void staffUploadAnImageThatComesBackInlineWithItsTypeNosniffAndAPrivateCache() {
        Scene s = scene();
        byte[] png = Samples.png();
        Response up = uploadByStaff(s.agentJwt(), s.conversationId(), png, "screenshot.png");
        up.then().statusCode(200)
                .body("name", equalTo("screenshot.png"))
                .body("size", equalTo(png.length))
                .body("contentType", equalTo("image/png"));
        String id = up.path("id");
        assertThat(up.<String>path("url")).isEqualTo("/api/v1/attachments/" + id);

        Response down = download(s.agentJwt(), id);
        down.then().statusCode(200)
                .header("Content-Type", "image/png")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", startsWith("inline;"))
                .header("Cache-Control", startsWith("private"));
        assertThat(down.asByteArray()).isEqualTo(png);
    }

    @Test
    void aVisitorUploadsWithTheirTokenAndAPdfIsDownloadedNotShown() {
        Scene s = scene();
        Response up = uploadByVisitor(s.visitor().token(), Samples.pdf(), "invoice.pdf");
        up.then().statusCode(200).body("contentType", equalTo("application/pdf")).body("name", equalTo("invoice.pdf"));
        download(s.visitor().token(), up.path("id")).then().statusCode(200)
                .header("Content-Type", "application/pdf")
                .header("Content-Disposition", startsWith("attachment;"))
                .header("X-Content-Type-Options", "nosniff");
    }

    @Test
    void theStoredNameIsSanitizedAndMatchesTheBytes() {
        Scene s = scene();
        uploadByVisitor(s.visitor().token(), Samples.image("jpg"), "..\\..\\photo.png").then().statusCode(200)
                .body("name", equalTo("photo.jpg")).body("contentType", equalTo("image/jpeg"));
    }

    @Test
    void withoutATokenUploadsAndDownloadsAre401() {
        Scene s = scene();
        String id = uploadByStaff(s.agentJwt(), s.conversationId(), Samples.png(), "a.png").path("id");
        uploadByStaff(null, s.conversationId(), Samples.png(), "a.png").then().statusCode(401);
        uploadByVisitor(null, Samples.png(), "a.png").then().statusCode(401);
        download(null, id).then().statusCode(401);
        download("not-a-token", id).then().statusCode(401);
    }

    @Test
    void eachSideUploadsOnlyThroughItsOwnPath403() {
        Scene s = scene();
        uploadByStaff(s.visitor().token(), s.conversationId(), Samples.png(), "a.png").then().statusCode(403);
        uploadByVisitor(s.agentJwt(), Samples.png(), "a.png").then().statusCode(403);
    }

    @Test
    void anotherTenantGets404ForTheFileAndTheConversation() {
        Scene a = scene();
        Scene b = scene();
        String id = uploadByStaff(a.agentJwt(), a.conversationId(), Samples.png(), "a.png").path("id");
        for (String outsider : new String[] {b.agentJwt(), Chat.login(b.team().adminEmail()), b.visitor().token()}) {
            download(outsider, id).then().statusCode(404).contentType(startsWith(PROBLEM));
        }
        uploadByStaff(Chat.login(b.team().adminEmail()), a.conversationId(), Samples.png(), "a.png")
                .then().statusCode(404).contentType(startsWith(PROBLEM));
        download(a.agentJwt(), "not-a-uuid").then().statusCode(404);
    }

    @Test
    void aVisitorReadsNeitherAnotherVisitorsUploadNorStaffFilesNotYetSent() {
        Scene s = scene();
        Chat.Visitor other = Chat.visitor(s.team().channelKey());
        String theirs = uploadByVisitor(other.token(), Samples.png(), "a.png").path("id");
        download(s.visitor().token(), theirs).then().statusCode(404);
        String draft = uploadByStaff(s.agentJwt(), s.conversationId(), Samples.png(), "a.png").path("id");
        download(s.visitor().token(), draft).then().statusCode(404);
    }

    @Test
    void anExecutableNamedPngSvgAndHtmlAre415AndStoreNothing() {
        Scene s = scene();
        long before = Fixtures.count("select count(*) from attachments where tenant_id = ?", s.team().tenantId());
        Map<String, byte[]> refused = Map.of("cat.png", Samples.windowsExecutable(), "logo.svg", Samples.svg(),
                "page.html", Samples.html(), "tool.png", Samples.elfExecutable());
        refused.forEach((name, bytes) -> {
            uploadByStaff(s.agentJwt(), s.conversationId(), bytes, name).then().statusCode(415).contentType(startsWith(PROBLEM));
            uploadByVisitor(s.visitor().token(), bytes, name).then().statusCode(415).contentType(startsWith(PROBLEM));
        });
        assertThat(Fixtures.count("select count(*) from attachments where tenant_id = ?", s.team().tenantId())).isEqualTo(before);
    }

    @Test
    void aFileJustOverTheLimitIs413ProblemJson() {
        Scene s = scene();
        byte[] tooLarge = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(Samples.pdf(), 0, tooLarge, 0, Samples.pdf().length);
        uploadByVisitor(s.visitor().token(), tooLarge, "big.pdf").then().statusCode(413).contentType(startsWith(PROBLEM));
    }

    @Test
    void aBodyOverTheHttpLimitIs413ProblemJsonNotTheTransportsBareAnswer() {
        Scene s = scene();
        byte[] huge = new byte[12 * 1024 * 1024];
        uploadByStaff(s.agentJwt(), s.conversationId(), huge, "huge.pdf").then().statusCode(413).contentType(startsWith(PROBLEM));
        // Every other REST body keeps its own, much smaller limit.
        as(s.agentJwt()).contentType("application/json").body("{\"text\":\"" + "x".repeat(300 * 1024) + "\"}")
                .when().post("/api/v1/conversations/" + s.conversationId() + "/close")
                .then().statusCode(413).contentType(startsWith(PROBLEM));
    }

    @Test
    void aJsonBodySentWithoutALengthIsHeldToTheRestLimitToo() throws Exception {
        // Chunked: no Content-Length for the filter to judge; the transport stops reading at the REST limit.
        byte[] body = ("{\"email\":\"a@test.test\",\"password\":\"" + "x".repeat(300 * 1024) + "\"}").getBytes();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(base.toURI().resolve("/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build();
        int status = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).isEqualTo(413);
    }

    @Test
    void anUploadWithoutAFileFieldOrEmptyIs400() {
        Scene s = scene();
        as(s.visitor().token()).multiPart("other", "x").when().post("/api/v1/widget/attachments")
                .then().statusCode(400).contentType(startsWith(PROBLEM));
        uploadByVisitor(s.visitor().token(), new byte[0], "empty.txt").then().statusCode(400).contentType(startsWith(PROBLEM));
    }

    @Test
    void anUploadNoMessageCarriedIsRemovedOnceOldAndASentOneStays() {
        Scene s = scene();
        String old = uploadByVisitor(s.visitor().token(), Samples.png(), "old.png").path("id");
        String fresh = uploadByVisitor(s.visitor().token(), Samples.png(), "fresh.png").path("id");
        Fixtures.count("with u as (update attachments set created_at = now() - interval '2 days' where id = ?::uuid returning 1)"
                + " select count(*) from u", old);
        unsent.sweep().await().atMost(java.time.Duration.ofSeconds(30));
        download(s.visitor().token(), old).then().statusCode(404);
        download(s.visitor().token(), fresh).then().statusCode(200);
        assertThat(Fixtures.count("select count(*) from blob_chunks where blob_key = ?", s.team().tenantId() + "/" + old)).isZero();
    }

    @Test
    void aClosedConversationTakesNoUpload() {
        Scene s = scene();
        as(s.agentJwt()).when().post("/api/v1/conversations/" + s.conversationId() + "/close").then().statusCode(200);
        uploadByStaff(s.agentJwt(), s.conversationId(), Samples.png(), "a.png").then().statusCode(409);
    }
}
