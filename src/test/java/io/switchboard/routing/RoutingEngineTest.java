package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.switchboard.routing.Agents.full;
import static io.switchboard.routing.Agents.offline;
import static io.switchboard.routing.Agents.onBreak;
import static io.switchboard.routing.Agents.online;
import static io.switchboard.routing.WorkingHoursTest.at;
import static io.switchboard.routing.WorkingHoursTest.weekdays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RoutingEngineTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** Monday 22 December 2025, 10:00 in Shanghai: office hours. */
    static final Instant MONDAY_MORNING = at("2025-12-22T10:00", SHANGHAI);
    /** The same Monday at 20:00: the office groups are closed. */
    static final Instant MONDAY_EVENING = at("2025-12-22T20:00", SHANGHAI);

    private static final WorkingHours OFFICE = WorkingHours.weekly(SHANGHAI, weekdays("09:00-18:00"), Set.of());

    private final Map<String, WorkingHours> hours = Map.of(
            "vip", OFFICE,
            "sales", OFFICE,
            "general", OFFICE,
            "night", WorkingHours.weekly(SHANGHAI, weekdays("18:00-24:00"), Set.of()),
            "support", WorkingHours.alwaysOpen(SHANGHAI));

    private static RoutingRule rule(String id, int position, RoutingTarget target, Condition... conditions) {
        return new RoutingRule(id, position, true, List.of(conditions), target);
    }

    private final RoutingRule vipRule = rule("vip-rule", 1,
            RoutingTarget.of("customer-owner", "vip", "general").withOutOfHoursText("Our VIP desk opens at 9."),
            Condition.tierIn("vip"));
    private final RoutingRule webRule = rule("web-rule", 2,
            RoutingTarget.of("round-robin", "sales", "night"), Condition.channelIn("web"));

    private final RoutingEngine engine = new RoutingEngine(List.of(webRule, vipRule), hours);

    private final ConversationFacts webVisitor = ConversationFacts.onChannel("web");
    private final ConversationFacts vipCustomer = ConversationFacts.onChannel("web").withCustomerTier("vip");

    @Test
    void aConversationNoRuleMatchesIsUnmatched() {
        RoutingOutcome outcome = engine.route(ConversationFacts.onChannel("wechat"), RoutingContext.none(),
                Map.of("sales", List.of(online("a"))), MONDAY_MORNING);
        assertThat(outcome).isInstanceOf(RoutingOutcome.Unmatched.class);
        assertThat(engine.plan(ConversationFacts.onChannel("wechat"), MONDAY_MORNING).cursorKey()).isEmpty();
    }

    @Test
    void whenEveryGroupOfTheRuleIsClosedTheVisitorGetsTheRulesNoticeAndTheNextOpening() {
        RoutingOutcome outcome = engine.route(vipCustomer, RoutingContext.none(),
                Map.of("vip", List.of(online("a"))), MONDAY_EVENING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.OutOfHours.class, o -> {
            assertThat(o.rule()).isEqualTo(vipRule);
            assertThat(o.notice()).isEqualTo("Our VIP desk opens at 9.");
            assertThat(o.nextOpening()).contains(at("2025-12-23T09:00", SHANGHAI));
        });
    }

    @Test
    void anOutOfHoursPlanNeedsNoLiveFigures() {
        RoutingPlan plan = engine.plan(vipCustomer, MONDAY_EVENING);
        assertThat(plan.matched()).isTrue();
        assertThat(plan.servable()).isFalse();
        assertThat(plan.groupsToLoad()).isEmpty();
    }

    @Test
    void thePlanAsksOnlyForTheOpenGroupsAndTheRulesCursor() {
        RoutingPlan plan = engine.plan(webVisitor, MONDAY_EVENING);
        assertThat(plan.groupsToLoad()).containsExactly("night");
        assertThat(plan.cursorKey()).contains("web-rule");
    }

    @Test
    void agentsOfClosedGroupsAreNotCandidates() {
        RoutingOutcome outcome = engine.route(webVisitor, RoutingContext.none(),
                Map.of("sales", List.of(online("day")), "night", List.of(online("owl", 3, 5))), MONDAY_EVENING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.Assigned.class, a -> {
            assertThat(a.agent().agentId()).isEqualTo("owl");
            assertThat(a.groupIds()).containsExactly("night");
            assertThat(a.decision().candidates()).extracting(Candidate::agentId).containsExactly("owl");
        });
    }

    @Test
    void anAssignmentRecordsRuleStrategyCandidatesAndReason() {
        RoutingOutcome outcome = engine.route(vipCustomer, RoutingContext.none().withCustomerOwner("own"),
                Map.of("vip", List.of(online("a", 0, 5), online("own", 2, 5)), "general", List.of(online("b"))),
                MONDAY_MORNING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.Assigned.class, a -> {
            assertThat(a.rule().id()).isEqualTo("vip-rule");
            assertThat(a.agent().agentId()).isEqualTo("own");
            RoutingDecision why = a.decision();
            assertThat(why.strategy()).isEqualTo("customer-owner then least-load");
            assertThat(why.choice().reason()).isEqualTo("customer owner own");
            assertThat(why.candidates()).extracting(Candidate::agentId, Candidate::load)
                    .containsExactly(tuple("a", 0), tuple("own", 2), tuple("b", 0));
        });
    }

    @Test
    void theOwnerMayBeInAnyOpenGroupOfTheRule() {
        RoutingOutcome outcome = engine.route(vipCustomer, RoutingContext.none().withCustomerOwner("own"),
                Map.of("vip", List.of(online("a")), "general", List.of(online("own", 4, 5))), MONDAY_MORNING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.Assigned.class,
                a -> assertThat(a.agent().agentId()).isEqualTo("own"));
    }

    @Test
    void anAgentInTwoGroupsIsOneCandidateAtTheirFirstGroupsPlace() {
        List<Candidate> pool = RoutingEngine.pool(List.of("vip", "general"),
                Map.of("vip", List.of(online("a"), online("b")), "general", List.of(online("c"), online("a"))));
        assertThat(pool).extracting(Candidate::agentId).containsExactly("a", "b", "c");
    }

    @Test
    void roundRobinRotatesThroughTheGroupsInOrderWithTheCursorStoredBetweenConversations() {
        RoutingEngine engine = new RoutingEngine(List.of(rule("rr", 1, RoutingTarget.of("round-robin", "vip", "general"))), hours);
        Map<String, List<Candidate>> members = Map.of("vip", List.of(online("v1"), online("v2")),
                "general", List.of(online("g1"), online("v1")));
        Map<String, String> cursors = new HashMap<>();
        StringBuilder turns = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            RoutingPlan plan = engine.plan(webVisitor, MONDAY_MORNING);
            String key = plan.cursorKey().orElseThrow();
            RoutingOutcome outcome = engine.decide(plan, members, RoutingContext.none().withRoundRobinCursor(cursors.get(key)));
            RoutingDecision decision = ((RoutingOutcome.Assigned) outcome).decision();
            turns.append(decision.chosen().agentId()).append(' ');
            decision.nextCursor().ifPresent(c -> cursors.put(key, c));
        }
        assertThat(turns.toString().trim()).isEqualTo("v1 v2 g1 v1");
    }

    @Test
    void onlineAgentsWithoutRoomMeanTheConversationQueues() {
        RoutingOutcome outcome = engine.route(webVisitor, RoutingContext.none(),
                Map.of("sales", List.of(full("a"), onBreak("b"))), MONDAY_MORNING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.Queued.class, q -> {
            assertThat(q.groupIds()).containsExactly("sales");
            assertThat(q.decision().assigned()).isFalse();
            assertThat(q.decision().candidates()).extracting(Candidate::agentId).containsExactly("a", "b");
        });
    }

    @Test
    void openGroupsWithNobodyOnlineOfferAnOfflineMessageWithTheNotice() {
        RoutingOutcome outcome = engine.route(vipCustomer, RoutingContext.none(),
                Map.of("vip", List.of(onBreak("a"), offline("b"))), MONDAY_MORNING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.NobodyOnline.class,
                n -> assertThat(n.notice()).isEqualTo("Our VIP desk opens at 9."));
    }

    @Test
    void anOpenGroupWithoutMembersCountsAsNobodyOnline() {
        RoutingOutcome outcome = engine.route(vipCustomer, RoutingContext.none(), Map.of(), MONDAY_MORNING);
        assertThat(outcome).isInstanceOf(RoutingOutcome.NobodyOnline.class);
    }

    @Test
    void whenTheOnlyOnlineAgentIsExcludedTheConversationQueuesRatherThanClosing() {
        RoutingOutcome outcome = engine.route(webVisitor, RoutingContext.none().excluding(Set.of("silent")),
                Map.of("sales", List.of(online("silent"))), MONDAY_MORNING);
        assertThat(outcome).isInstanceOf(RoutingOutcome.Queued.class);
    }

    @Test
    void preferringTheLastAgentSendsAReturningCustomerBackToThem() {
        RoutingEngine engine = new RoutingEngine(List.of(rule("r", 1,
                RoutingTarget.of("least-load", "support").preferringLastAgent())), hours);
        RoutingOutcome outcome = engine.route(webVisitor, RoutingContext.none().withLastAgent("prev"),
                Map.of("support", List.of(online("idle"), online("prev", 3, 5))), MONDAY_EVENING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.Assigned.class, a -> {
            assertThat(a.agent().agentId()).isEqualTo("prev");
            assertThat(a.decision().strategy()).isEqualTo("last-agent then least-load");
        });
    }

    @Test
    void theRulesRequiredSkillsReachSkillWeighting() {
        RoutingEngine engine = new RoutingEngine(List.of(rule("refunds", 1,
                RoutingTarget.of("skill-weighted", "support").requiringSkills("refunds"))), hours);
        RoutingOutcome outcome = engine.route(webVisitor, RoutingContext.none().withRequiredSkills(Set.of("english")),
                Map.of("support", List.of(
                        online("en").withSkills(Map.of("english", 5)),
                        online("both").withSkills(Map.of("english", 1, "refunds", 1)),
                        online("ref").withSkills(Map.of("refunds", 9)))),
                MONDAY_MORNING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.Assigned.class,
                a -> assertThat(a.agent().agentId()).isEqualTo("both"));
    }

    @Test
    void aDeletedGroupInARuleIsSkippedAndTheOthersServe() {
        RoutingEngine engine = new RoutingEngine(List.of(rule("r", 1, RoutingTarget.of("least-load", "deleted", "support"))), hours);
        RoutingPlan plan = engine.plan(webVisitor, MONDAY_MORNING);
        assertThat(plan.groups().unknown()).containsExactly("deleted");
        assertThat(plan.groupsToLoad()).containsExactly("support");
    }

    @Test
    void aRuleWhoseGroupsAllVanishedIsOutOfHoursWithoutANextOpening() {
        RoutingEngine engine = new RoutingEngine(List.of(rule("r", 1, RoutingTarget.of("least-load", "deleted"))), hours);
        RoutingOutcome outcome = engine.route(webVisitor, RoutingContext.none(), Map.of(), MONDAY_MORNING);
        assertThat(outcome).isInstanceOfSatisfying(RoutingOutcome.OutOfHours.class,
                o -> assertThat(o.nextOpening()).isEmpty());
    }
}
