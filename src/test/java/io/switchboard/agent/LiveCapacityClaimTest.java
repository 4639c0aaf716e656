package io.switchboard.agent;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.live.LiveAgents;
import io.switchboard.testing.Fixtures;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN rule 1 at its root: the Redis claim is the only thing that stops two replicas
 * (or two dispatch loops) from both taking an agent's last unit of capacity. One replica's
 * dispatcher already filters on a fresh snapshot, so only racing claims show the guard.
 */
@QuarkusTest
class LiveCapacityClaimTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    LiveAgents live;

    private List<LiveAgents.Claim> claimAtOnce(String tenant, String agent, int n) {
        List<Uni<LiveAgents.Claim>> claims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            claims.add(live.claim(tenant, agent, System.currentTimeMillis()));
        }
        return Uni.join().all(claims).andFailFast().await().atMost(WAIT);
    }

    @Test
    void racingClaimsNeverTakeMoreThanTheLimit() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        assertThat(live.seed(tenant, agent, AgentStatus.ONLINE, 5, 0).await().atMost(WAIT)).isTrue();

        List<LiveAgents.Claim> results = claimAtOnce(tenant, agent, 20);

        assertThat(results).filteredOn(c -> c.outcome() == LiveAgents.ClaimOutcome.CLAIMED)
                .extracting(LiveAgents.Claim::load).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(results).filteredOn(c -> c.outcome() == LiveAgents.ClaimOutcome.REFUSED).hasSize(15);
        assertThat(live.state(tenant, agent).await().atMost(WAIT).load()).isEqualTo(5);

        // One unit back: exactly one more claim wins.
        assertThat(live.release(tenant, agent).await().atMost(WAIT)).isTrue();
        assertThat(claimAtOnce(tenant, agent, 5)).filteredOn(c -> c.outcome() == LiveAgents.ClaimOutcome.CLAIMED).hasSize(1);
        assertThat(live.state(tenant, agent).await().atMost(WAIT).load()).isEqualTo(5);
    }

    @Test
    void agentNotOnlineIsNeverClaimed() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        live.seed(tenant, agent, AgentStatus.ONLINE, 5, 0).await().atMost(WAIT);
        for (AgentStatus status : List.of(AgentStatus.BREAK, AgentStatus.OFFLINE)) {
            assertThat(live.setStatus(tenant, agent, status).await().atMost(WAIT)).isTrue();
            assertThat(claimAtOnce(tenant, agent, 3)).allMatch(c -> c.outcome() == LiveAgents.ClaimOutcome.REFUSED);
        }
        assertThat(live.state(tenant, agent).await().atMost(WAIT).load()).isZero();
    }

    @Test
    void releaseNeverDrivesLoadBelowZero() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        live.seed(tenant, agent, AgentStatus.ONLINE, 5, 1).await().atMost(WAIT);
        live.release(tenant, agent).await().atMost(WAIT);
        live.release(tenant, agent).await().atMost(WAIT);
        assertThat(live.state(tenant, agent).await().atMost(WAIT).load()).isZero();
        assertThat(claimAtOnce(tenant, agent, 6)).filteredOn(c -> c.outcome() == LiveAgents.ClaimOutcome.CLAIMED).hasSize(5);
    }

    @Test
    void missingLiveStateIsReportedNotInvented() {
        Fixtures.Team team = Fixtures.team(1, 5);
        String tenant = team.tenantId();
        String agent = team.agents().get(0).id();
        assertThat(claimAtOnce(tenant, agent, 1).get(0).outcome()).isEqualTo(LiveAgents.ClaimOutcome.MISSING);
        assertThat(live.release(tenant, agent).await().atMost(WAIT)).isFalse();
        assertThat(live.state(tenant, agent).await().atMost(WAIT).present()).isFalse();
    }

    @Test
    void claimsInOrderStopAtTheFirstAgentWhoCannotTakeOneAndKeepThoseBefore() {
        Fixtures.Team team = Fixtures.team(3, 2);
        String tenant = team.tenantId();
        String a = team.agents().get(0).id();
        String b = team.agents().get(1).id();
        String c = team.agents().get(2).id();
        live.seed(tenant, a, AgentStatus.ONLINE, 2, 0).await().atMost(WAIT);
        live.seed(tenant, b, AgentStatus.ONLINE, 2, 1).await().atMost(WAIT);
        live.seed(tenant, c, AgentStatus.BREAK, 2, 0).await().atMost(WAIT);

        // a twice (room for both), then b's last unit, then b again (full): stops there.
        LiveAgents.Claims full = live.claimInOrder(tenant, List.of(a, b, a, b, a), System.currentTimeMillis())
                .await().atMost(WAIT);
        assertThat(full.loads()).containsExactly(1, 2, 2);
        assertThat(full.stoppedBy()).isEqualTo(LiveAgents.ClaimOutcome.REFUSED);
        assertThat(live.state(tenant, a).await().atMost(WAIT).load()).isEqualTo(2);
        assertThat(live.state(tenant, b).await().atMost(WAIT).load()).isEqualTo(2);

        // An agent on a break refuses like a full one; an unknown one is reported missing.
        live.release(tenant, a).await().atMost(WAIT);
        LiveAgents.Claims onBreak = live.claimInOrder(tenant, List.of(a, c), System.currentTimeMillis()).await().atMost(WAIT);
        assertThat(onBreak.loads()).containsExactly(2);
        assertThat(onBreak.stoppedBy()).isEqualTo(LiveAgents.ClaimOutcome.REFUSED);
        LiveAgents.Claims unknown = live.claimInOrder(tenant, List.of(java.util.UUID.randomUUID().toString(), a),
                System.currentTimeMillis()).await().atMost(WAIT);
        assertThat(unknown.loads()).isEmpty();
        assertThat(unknown.stoppedBy()).isEqualTo(LiveAgents.ClaimOutcome.MISSING);
        assertThat(live.state(tenant, c).await().atMost(WAIT).load()).isZero();
    }
}
