package io.switchboard.conversation;

import io.switchboard.conversation.MessageRecipients.Recipient;
import io.switchboard.protocol.Side;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One rule for who hears of a message, whether published live, again on a re-send, or by the sweep. */
class MessageRecipientsTest {

    @Test
    void aVisitorMessageGoesToTheVisitorsOtherSocketsAndTheAssignee() {
        assertThat(MessageRecipients.of("visitor", "v", "a", "v", false)).containsExactly(
                new Recipient(Side.VISITOR, "v", true), new Recipient(Side.STAFF, "a", false));
    }

    @Test
    void aVisitorMessageWithoutAssigneeGoesOnlyToTheVisitor() {
        assertThat(MessageRecipients.of("visitor", "v", null, "v", false)).containsExactly(
                new Recipient(Side.VISITOR, "v", true));
    }

    @Test
    void anAgentMessageGoesToTheSendersOtherSessionsAndTheVisitor() {
        assertThat(MessageRecipients.of("agent", "a", "a", "v", false)).containsExactly(
                new Recipient(Side.STAFF, "a", true), new Recipient(Side.VISITOR, "v", false));
    }

    @Test
    void aSupervisorWritingIntoAnAgentsConversationAlsoReachesTheAssignee() {
        assertThat(MessageRecipients.of("agent", "s", "a", "v", false)).containsExactly(
                new Recipient(Side.STAFF, "s", true), new Recipient(Side.STAFF, "a", false),
                new Recipient(Side.VISITOR, "v", false));
    }

    @Test
    void anInternalNoteNeverReachesTheVisitor() {
        assertThat(MessageRecipients.of("agent", "s", "a", "v", true)).containsExactly(
                new Recipient(Side.STAFF, "s", true), new Recipient(Side.STAFF, "a", false));
    }

    @Test
    void invitedExpertsHearEveryMessageOnceAndTheSenderNotTwice() {
        assertThat(MessageRecipients.of("visitor", "v", "a", "v", false, List.of("e", "a"), List.of("s"))).containsExactly(
                new Recipient(Side.VISITOR, "v", true), new Recipient(Side.STAFF, "a", false), new Recipient(Side.STAFF, "e", false));
        assertThat(MessageRecipients.of("agent", "e", "a", "v", false, List.of("e"), List.of("s"))).containsExactly(
                new Recipient(Side.STAFF, "e", true), new Recipient(Side.STAFF, "a", false), new Recipient(Side.VISITOR, "v", false));
    }

    @Test
    void anInternalNoteReachesExpertsAndSupervisorsButNeverTheVisitor() {
        assertThat(MessageRecipients.of("agent", "e", "a", "v", true, List.of("e", "x"), List.of("s", "a"))).containsExactly(
                new Recipient(Side.STAFF, "e", true), new Recipient(Side.STAFF, "a", false), new Recipient(Side.STAFF, "x", false),
                new Recipient(Side.STAFF, "s", false));
    }

    @Test
    void supervisorsDoNotReceiveVisibleMessagesOfConversationsTheyAreNotIn() {
        assertThat(MessageRecipients.of("agent", "a", "a", "v", false, List.of(), List.of("s"))).containsExactly(
                new Recipient(Side.STAFF, "a", true), new Recipient(Side.VISITOR, "v", false));
    }

    @Test
    void theVisitorTypingIsSeenByTheAssigneeAndTheExpertsOnceEachAndNotByTheVisitor() {
        assertThat(MessageRecipients.ofVisitorTyping("v", "a", List.of("e", "a"))).containsExactly("a", "e");
        assertThat(MessageRecipients.ofVisitorTyping("v", null, List.of("e"))).containsExactly("e");
    }
}
