package io.switchboard.it;

import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.switchboard.it.Api.call;
import static io.switchboard.it.Api.http;
import static io.switchboard.it.Api.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A token is not a session, on every replica: an agent signed in with sockets on two packaged
 * replicas (prod profile) loses REST access (401) and both sockets (4401) the moment an admin
 * removes them, sets a new password or changes their roles through replica A; the new
 * credentials work on both. Each replica has judged the old token current just before, so
 * what ends it is the change reaching it, not a cache running out
 * ({@code switchboard.sessions.cache-ttl}, 15 s, is longer than the waits here).
 */
class SessionRevocationIT {

    /** Far below the cache's 15 s: only the published change can end access this fast. */
    private static final Duration AT_ONCE = Duration.ofSeconds(3);
    private static final String NEW_PASSWORD = "a-new-password-1";

    private static Replica a;
    private static Replica b;
    private static PackagedApp app;

    @BeforeAll
    static void startReplicas() {
        app = PackagedApp.prepare();
        a = new Replica("A", app, "it-sessions-a.log");
        b = new Replica("B", app, "it-sessions-b.log");
        Replicas.launch(a, b);
    }

    @AfterAll
    static void stopReplicas() {
        Replicas.stop(app, a, b);
    }

    /** The agent's token, judged current by both replicas, and a socket on each. */
    private record SignedIn(String token, WsClient onA, WsClient onB) implements AutoCloseable {
        @Override
        public void close() {
            onA.close();
            onB.close();
        }
    }

    private static SignedIn signIn(Fixtures.Agent agent) {
        String token = login(a, agent.email());
        WsClient onA = WsClient.open(a.base(), "/ws/agent", token);
        WsClient onB = WsClient.open(b.base(), "/ws/agent", token);
        onA.awaitType("status");
        onB.awaitType("status");
        for (Replica r : new Replica[] {a, b}) {
            http("GET", r, "/api/v1/me", token, null, 200);
            http("GET", r, "/api/v1/conversations?state=open", token, null, 200);
        }
        return new SignedIn(token, onA, onB);
    }

    private static void endedEverywhere(SignedIn s) {
        for (Replica r : new Replica[] {a, b}) {
            await().atMost(AT_ONCE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                assertThat(call("GET", r, "/api/v1/me", s.token(), null).statusCode()).as("/me on %s", r.name).isEqualTo(401);
                assertThat(call("GET", r, "/api/v1/conversations?state=open", s.token(), null).statusCode())
                        .as("list on %s", r.name).isEqualTo(401);
            });
        }
        assertThat(s.onA().closeCode(AT_ONCE)).as("socket on A").isEqualTo(4401);
        assertThat(s.onB().closeCode(AT_ONCE)).as("socket on B").isEqualTo(4401);
        for (Replica r : new Replica[] {a, b}) {
            try (WsClient again = WsClient.open(r.base(), "/ws/agent", s.token())) {
                assertThat(again.closeCode(AT_ONCE)).as("new socket with the old token on %s", r.name).isEqualTo(4401);
            }
        }
    }

    private static void worksEverywhere(String token) {
        for (Replica r : new Replica[] {a, b}) {
            http("GET", r, "/api/v1/me", token, null, 200);
            try (WsClient socket = WsClient.open(r.base(), "/ws/agent", token)) {
                socket.awaitType("status");
                assertThat(socket.isClosed()).isFalse();
            }
        }
    }

    @Test
    void aRemovedAgentLosesRestAndSocketsOnEveryReplicaAtOnce() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = login(a, team.adminEmail());
        try (SignedIn s = signIn(agent)) {
            http("DELETE", a, "/api/v1/admin/agents/" + agent.id(), admin, null, 204);
            endedEverywhere(s);
        }
        http("POST", b, "/api/v1/auth/login", null, Map.of("email", agent.email(), "password", Fixtures.PASSWORD), 401);
    }

    @Test
    void aNewPasswordEndsTheOldSessionsOnEveryReplicaAndTheNewOneWorks() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = login(a, team.adminEmail());
        try (SignedIn s = signIn(agent)) {
            http("PUT", a, "/api/v1/admin/agents/" + agent.id(), admin, Map.of("password", NEW_PASSWORD), 200);
            endedEverywhere(s);
        }
        http("POST", b, "/api/v1/auth/login", null, Map.of("email", agent.email(), "password", Fixtures.PASSWORD), 401);
        worksEverywhere(http("POST", b, "/api/v1/auth/login", null,
                Map.of("email", agent.email(), "password", NEW_PASSWORD), 200).path("token").asText());
    }

    @Test
    void aRoleChangeEndsTheOldSessionsOnEveryReplicaAndTheNewTokenWorks() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String admin = login(a, team.adminEmail());
        try (SignedIn s = signIn(agent)) {
            http("PUT", a, "/api/v1/admin/agents/" + agent.id(), admin, Map.of("roles", List.of("agent", "supervisor")), 200);
            endedEverywhere(s);
        }
        String fresh = login(b, agent.email());
        worksEverywhere(fresh);
        http("GET", a, "/api/v1/admin/agents", fresh, null, 200);
    }

    @Test
    void aSocketOpenedOnOneReplicaWithATicketFromTheOtherClosesWhenTheAgentIsRemoved() {
        Fixtures.Team team = Fixtures.team(1, 5);
        Fixtures.Agent agent = team.agents().get(0);
        String token = login(a, agent.email());
        // The console's way: a ticket got from one replica is good on any.
        String ticket = http("POST", a, "/api/v1/auth/socket-ticket", token, null, 200).path("ticket").asText();
        String unused = http("POST", a, "/api/v1/auth/socket-ticket", token, null, 200).path("ticket").asText();
        try (WsClient onB = WsClient.open(b.base(), "/ws/agent?ticket=" + ticket, null)) {
            onB.awaitType("status");
            http("DELETE", a, "/api/v1/admin/agents/" + agent.id(), login(a, team.adminEmail()), null, 204);
            assertThat(onB.closeCode(AT_ONCE)).isEqualTo(4401);
        }
        // A ticket carries the session it was got in: one issued before the removal opens nothing.
        try (WsClient late = WsClient.open(b.base(), "/ws/agent?ticket=" + unused, null)) {
            assertThat(late.closeCode(AT_ONCE)).isEqualTo(4401);
        }
    }

    @Test
    void aTicketOpensOneSocketOnAnyReplicaOnce() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String token = login(a, team.agents().get(0).email());
        String ticket = http("POST", b, "/api/v1/auth/socket-ticket", token, null, 200).path("ticket").asText();
        try (WsClient first = WsClient.open(a.base(), "/ws/agent?ticket=" + ticket, null);
             WsClient again = WsClient.open(b.base(), "/ws/agent?ticket=" + ticket, null)) {
            first.awaitType("status");
            assertThat(again.closeCode(AT_ONCE)).isEqualTo(4401);
            assertThat(first.isClosed()).isFalse();
        }
    }
}
