package io.switchboard.routing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which groups' members may serve a waiting conversation (A6, B1): the group whose queue it
 * waits in, then every other group of its rule that is open now, in the rule's order. The
 * members of these groups form one pool the rule's strategy picks from, so a rule naming
 * "pre-sales, then support" lets support take the visitor when pre-sales is full, while
 * pre-sales agents still come first where the strategy is order-sensitive (round robin).
 *
 * <p>The queue's own group stays in even outside its hours: the conversation was accepted
 * while it was open, and its members who are still online may finish the queue.
 */
public final class CandidatePool {

    private CandidatePool() {}

    /**
     * @param queueGroup the group the conversation waits in, null when it has none
     * @param ruleGroups the rule's groups in order, empty without a rule
     * @param openNow    those of the rule's groups inside their working hours now
     */
    public static List<String> groups(String queueGroup, List<String> ruleGroups, Set<String> openNow) {
        Set<String> out = new LinkedHashSet<>();
        if (queueGroup != null) {
            out.add(queueGroup);
        }
        for (String g : ruleGroups) {
            if (openNow.contains(g)) {
                out.add(g);
            }
        }
        return new ArrayList<>(out);
    }
}
