package io.switchboard.conversation;

import io.switchboard.conversation.Visibility.Subject;
import io.switchboard.conversation.Visibility.Viewer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The visibility policy as a specification, without Quarkus. */
class VisibilityTest {

    private static Viewer agent(Set<String> groups, Set<String> channels, List<Set<String>> pools) {
        return new Viewer(false, true, groups, channels, pools);
    }

    private static final Viewer SALES_AGENT = agent(Set.of("sales"), Set.of(), List.of());

    @Test
    void supervisorsAndAdminsSeeEveryConversationOfTheirTenant() {
        assertThat(Visibility.sees(Viewer.supervisor(), new Subject("support", "web", false))).isTrue();
        assertThat(Visibility.sees(Viewer.supervisor(), new Subject(null, "web", false))).isTrue();
    }

    @Test
    void anAgentSeesTheConversationsOfTheGroupsTheyBelongTo() {
        assertThat(Visibility.sees(SALES_AGENT, new Subject("sales", "web", false))).isTrue();
        assertThat(Visibility.sees(SALES_AGENT, new Subject("support", "web", false))).isFalse();
    }

    @Test
    void aConversationWithoutAGroupIsServedByEveryAgent() {
        assertThat(Visibility.sees(SALES_AGENT, new Subject(null, "web", false))).isTrue();
    }

    @Test
    void anAgentLimitedToSomeChannelsDoesNotSeeTheirGroupsOtherChannels() {
        Viewer webOnly = agent(Set.of("sales"), Set.of("web"), List.of());
        assertThat(Visibility.sees(webOnly, new Subject("sales", "web", false))).isTrue();
        assertThat(Visibility.sees(webOnly, new Subject("sales", "wechat", false))).isFalse();
        assertThat(Visibility.sees(webOnly, new Subject(null, "wechat", false))).isFalse();
    }

    @Test
    void aRulePoolingGroupsLetsTheirAgentsSeeEachOthersQueues() {
        Viewer pooled = agent(Set.of("sales"), Set.of(), List.of(Set.of("sales", "support"), Set.of("billing", "vip")));
        assertThat(Visibility.sees(pooled, new Subject("support", "web", false))).isTrue();
        assertThat(Visibility.sees(pooled, new Subject("billing", "web", false))).isFalse();
        assertThat(pooled.servedGroups()).containsExactlyInAnyOrder("sales", "support");
    }

    @Test
    void anAgentKeepsSightOfWhatTheyWereAssignedOrInvitedIntoOutsideTheirGroups() {
        Viewer webOnly = agent(Set.of("sales"), Set.of("web"), List.of());
        assertThat(Visibility.sees(webOnly, new Subject("support", "wechat", true))).isTrue();
        // Seeing it does not make its queue theirs: they may not pick it up.
        assertThat(Visibility.serves(webOnly, new Subject("support", "wechat", true))).isFalse();
    }

    @Test
    void staffWithoutTheAgentRoleOrASupervisingRoleSeeNothing() {
        Viewer nobody = new Viewer(false, false, Set.of("sales"), Set.of(), List.of());
        assertThat(Visibility.sees(nobody, new Subject("sales", "web", true))).isFalse();
        assertThat(Visibility.sees(nobody, new Subject(null, "web", false))).isFalse();
        assertThat(Visibility.serves(nobody, new Subject(null, "web", false))).isFalse();
    }

    @Test
    void anAgentWithoutGroupsSeesOnlyGrouplessConversationsAndTheirOwn() {
        Viewer loner = agent(Set.of(), Set.of(), List.of(Set.of("sales", "support")));
        assertThat(Visibility.sees(loner, new Subject("sales", "web", false))).isFalse();
        assertThat(Visibility.sees(loner, new Subject(null, "web", false))).isTrue();
        assertThat(Visibility.sees(loner, new Subject("sales", "web", true))).isTrue();
    }
}
