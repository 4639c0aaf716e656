package io.switchboard.conversation;

import io.switchboard.protocol.Side;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who hears of a stored message (DESIGN rule 3): the same answer whether the replica that
 * stored it publishes it, a duplicate re-send publishes it again, or the delivery sweep
 * publishes what a dead replica stored. Pure, so the three paths cannot drift apart.
 *
 * <ul>
 *   <li>A visitor's message: the visitor's sockets (all but the one that sent it, which has its
 *       ack) and the conversation's assignee.</li>
 *   <li>A staff message: the sender's other sessions, the assignee when someone else (a
 *       supervisor writing into an agent's conversation), and the visitor unless it is an
 *       internal note, which never leaves the staff side.</li>
 *   <li>Either way the conversation's invited experts (C7), and for an internal note the
 *       tenant's supervisors and admins too.</li>
 * </ul>
 * The assignee is the one the conversation has as the message is published, null while queued
 * and once closed: a message re-published after the close stays out of the agent's live list.
 */
final class MessageRecipients {

    /** A socket owner; {@code sender} marks the one whose sending socket is left out. */
    record Recipient(Side side, String id, boolean sender) {}

    private MessageRecipients() {}

    static List<Recipient> of(String senderKind, String senderId, String assigneeId, String visitorId, boolean internal) {
        return of(senderKind, senderId, assigneeId, visitorId, internal, List.of(), List.of());
    }

    /**
     * @param participants the conversation's experts now
     * @param supervisors  the tenant's supervisors and admins; used for internal notes only
     */
    static List<Recipient> of(String senderKind, String senderId, String assigneeId, String visitorId, boolean internal,
                              List<String> participants, List<String> supervisors) {
        List<Recipient> out = new ArrayList<>(3 + participants.size());
        Set<String> staff = new HashSet<>();
        if ("visitor".equals(senderKind)) {
            out.add(new Recipient(Side.VISITOR, senderId, true));
        } else {
            out.add(new Recipient(Side.STAFF, senderId, true));
            staff.add(senderId);
        }
        if (assigneeId != null && staff.add(assigneeId)) {
            out.add(new Recipient(Side.STAFF, assigneeId, false));
        }
        for (String expert : participants) {
            if (staff.add(expert)) {
                out.add(new Recipient(Side.STAFF, expert, false));
            }
        }
        if (internal) {
            for (String s : supervisors) {
                if (staff.add(s)) {
                    out.add(new Recipient(Side.STAFF, s, false));
                }
            }
        } else if (!"visitor".equals(senderKind) && visitorId != null) {
            out.add(new Recipient(Side.VISITOR, visitorId, false));
        }
        return out;
    }

    /**
     * Staff who see that the visitor is typing: whoever would receive the visitor's message on
     * the staff side (the assignee and the experts), each once. The visitor's own sockets are
     * not told of their own typing.
     */
    static List<String> ofVisitorTyping(String visitorId, String assigneeId, List<String> participants) {
        List<String> out = new ArrayList<>(1 + participants.size());
        for (Recipient r : of("visitor", visitorId, assigneeId, visitorId, false, participants, List.of())) {
            if (r.side() == Side.STAFF) {
                out.add(r.id());
            }
        }
        return out;
    }
}
