package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.switchboard.routing.Agents.full;
import static io.switchboard.routing.Agents.offline;
import static io.switchboard.routing.Agents.onBreak;
import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;

class PreferredAgentStrategyTest {

    private final RoutingStrategy owner = PreferredAgentStrategy.customerOwner(new LeastLoadStrategy());
    private final RoutingStrategy lastAgent = PreferredAgentStrategy.lastAgent(new RoundRobinStrategy());

    @Test
    void theCustomersOwnerGetsTheConversationWhenEligibleEvenIfBusierThanOthers() {
        Choice choice = owner.choose(List.of(online("a", 0, 5), online("own", 4, 5)),
                RoutingContext.none().withCustomerOwner("own")).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("own");
        assertThat(choice.strategy()).isEqualTo("customer-owner");
        assertThat(choice.reason()).isEqualTo("customer owner own");
    }

    @Test
    void anOwnerAtCapacityFallsBackAndTheReasonSaysWhy() {
        Choice choice = owner.choose(List.of(online("a", 1, 5), full("own")),
                RoutingContext.none().withCustomerOwner("own")).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("a");
        assertThat(choice.strategy()).isEqualTo("least-load");
        assertThat(choice.reason()).startsWith("customer owner own is at capacity (5 of 5); fewest live conversations");
    }

    @Test
    void anOfflineOrBreakOwnerFallsBack() {
        var context = RoutingContext.none().withCustomerOwner("own");
        assertThat(owner.choose(List.of(online("a"), offline("own")), context).orElseThrow().reason())
                .startsWith("customer owner own is offline");
        assertThat(owner.choose(List.of(online("a"), onBreak("own")), context).orElseThrow().reason())
                .startsWith("customer owner own is on a break");
    }

    @Test
    void anOwnerOutsideTheRulesGroupsIsNotPicked() {
        Choice choice = owner.choose(List.of(online("a")), RoutingContext.none().withCustomerOwner("own")).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("a");
        assertThat(choice.reason()).startsWith("customer owner own is not in the rule's open groups");
    }

    @Test
    void anExcludedOwnerIsNotPickedAgain() {
        var context = RoutingContext.none().withCustomerOwner("own").excluding(Set.of("own"));
        Choice choice = owner.choose(List.of(online("own"), online("a", 3, 5)), context).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("a");
        assertThat(choice.reason()).startsWith("customer owner own is excluded this time");
    }

    @Test
    void anAnonymousVisitorGoesStraightToTheFallback() {
        Choice choice = owner.choose(List.of(online("a")), RoutingContext.none()).orElseThrow();
        assertThat(choice.reason()).startsWith("no customer owner; ");
    }

    @Test
    void noPickWhenNeitherThePreferredAgentNorTheFallbackCanTakeIt() {
        assertThat(owner.choose(List.of(full("own"), onBreak("a")), RoutingContext.none().withCustomerOwner("own")))
                .isEmpty();
    }

    @Test
    void aReturningCustomerGoesBackToTheLastAgent() {
        Choice choice = lastAgent.choose(List.of(online("a"), online("prev", 3, 5)),
                RoutingContext.none().withLastAgent("prev").withRoundRobinCursor("a")).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("prev");
        assertThat(choice.strategy()).isEqualTo("last-agent");
    }

    @Test
    void aPreferredPickDoesNotMoveTheRotationButAFallbackToRoundRobinDoes() {
        var candidates = List.of(online("a"), online("b"), online("prev"));
        var context = RoutingContext.none().withLastAgent("prev").withRoundRobinCursor("a");
        assertThat(lastAgent.choose(candidates, context).orElseThrow().nextCursor()).isNull();

        Choice fallback = lastAgent.choose(List.of(online("a"), online("b"), offline("prev")), context).orElseThrow();
        assertThat(fallback.agent().agentId()).isEqualTo("b");
        assertThat(fallback.nextCursor()).isEqualTo("b");
    }

    @Test
    void theContactOwnerIsReadFromItsOwnField() {
        RoutingStrategy contact = PreferredAgentStrategy.contactOwner(new LeastLoadStrategy());
        var context = RoutingContext.none().withCustomerOwner("cust").withContactOwner("cont");
        Choice choice = contact.choose(List.of(online("cust"), online("cont", 2, 5)), context).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("cont");
        assertThat(choice.strategy()).isEqualTo("contact-owner");
    }

    @Test
    void theDescriptionNamesTheWholeChain() {
        RoutingStrategy chain = PreferredAgentStrategy.lastAgent(PreferredAgentStrategy.customerOwner(new FewestTodayStrategy()));
        assertThat(chain.describe()).isEqualTo("last-agent then customer-owner then fewest-today");
        assertThat(chain.name()).isEqualTo("last-agent");
    }

    @Test
    void chainedPreferencesTryTheLastAgentThenTheOwnerThenTheFallback() {
        RoutingStrategy chain = PreferredAgentStrategy.lastAgent(PreferredAgentStrategy.customerOwner(new LeastLoadStrategy()));
        var context = RoutingContext.none().withLastAgent("prev").withCustomerOwner("own");
        Choice choice = chain.choose(List.of(online("a"), offline("prev"), online("own", 3, 5)), context).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("own");
        assertThat(choice.reason()).isEqualTo("last agent prev is offline; customer owner own");
    }
}
