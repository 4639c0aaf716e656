package io.switchboard.conversation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who among the staff may see a conversation (docs/protocol.md, "Who sees which
 * conversation"). One rule for every path that takes a conversation id from staff: REST
 * reads, close, pick-up, the socket's resume, typing and read frames. What is not visible
 * answers 404, as if it did not exist, so that its existence is not revealed.
 *
 * <ul>
 *   <li>Supervisors and admins see every conversation of their tenant.</li>
 *   <li>An agent sees the conversations they <em>serve</em>: its group is one they serve (a
 *       group they belong to, or one an enabled routing rule pools with one of theirs, since
 *       they may pick up from it; a conversation without a group is served by every agent),
 *       and its channel is one they serve (every channel when they have no channel list,
 *       otherwise those listed).</li>
 *   <li>An agent also sees every conversation they were ever assigned or invited into,
 *       whatever happened to it since (transferred away, reassigned, closed).</li>
 *   <li>Nobody else sees anything.</li>
 * </ul>
 *
 * <p>Plain decision code: the facts come in as values. {@link VisibilitySql} is the same rule
 * as a SQL predicate for lists, which cannot load every row to decide here.
 */
public final class Visibility {

    private Visibility() {}

    /**
     * The staff member who asks.
     *
     * @param wholeTenant a supervisor or an admin
     * @param agent       has the agent role
     * @param groups      the groups the agent belongs to
     * @param channels    the channels the agent is limited to; empty serves every channel
     * @param pools       the group lists of the tenant's enabled routing rules
     */
    public record Viewer(boolean wholeTenant, boolean agent, Set<String> groups, Set<String> channels,
                         List<Set<String>> pools) {

        /** A supervisor or an admin: sees the whole tenant. */
        public static Viewer supervisor() {
            return new Viewer(true, false, Set.of(), Set.of(), List.of());
        }

        /** The groups whose queues the agent serves: their own, and every group a rule pools with one of them. */
        public Set<String> servedGroups() {
            Set<String> served = new HashSet<>(groups);
            for (Set<String> pool : pools) {
                if (pool.stream().anyMatch(groups::contains)) {
                    served.addAll(pool);
                }
            }
            return served;
        }
    }

    /**
     * The conversation asked about.
     *
     * @param groupId  the group it is routed to; null when it has none
     * @param involved the viewer was assigned it at some time, or invited into it
     */
    public record Subject(String groupId, String channelId, boolean involved) {}

    /** Whether the viewer may see the conversation: read it, its messages and its events. */
    public static boolean sees(Viewer viewer, Subject conversation) {
        if (viewer.wholeTenant()) {
            return true;
        }
        if (!viewer.agent()) {
            return false;
        }
        return conversation.involved() || serves(viewer, conversation);
    }

    /**
     * Whether the agent serves the conversation's queue: its group and its channel are theirs.
     * What the queue view lists and what an agent may pick up.
     */
    public static boolean serves(Viewer viewer, Subject conversation) {
        if (viewer.wholeTenant()) {
            return true;
        }
        if (!viewer.agent()) {
            return false;
        }
        boolean group = conversation.groupId() == null || viewer.servedGroups().contains(conversation.groupId());
        boolean channel = viewer.channels().isEmpty() || viewer.channels().contains(conversation.channelId());
        return group && channel;
    }
}
