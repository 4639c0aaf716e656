package io.switchboard.conversation;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.testing.Fixtures;
import io.switchboard.testing.WsClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static io.switchboard.conversation.Chat.clientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Appends that arrive while others are in flight share one commit. Sharing must change
 * nothing a client can see: every message gets its own sequence number with no gap, a
 * repeated clientId is still answered with the original one, and one bad message fails
 * alone rather than taking its group down.
 */
@QuarkusTest
class GroupCommitTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    MessageStore messages;

    @Inject
    GroupCommit commits;

    private record Started(String visitorId, String conversationId) {}

    /** A visitor whose first message (seq 1) started a conversation. */
    private Started conversation(Fixtures.Team team) {
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        try (WsClient ws = Chat.visitorSocket(base, visitor.token())) {
            return new Started(visitor.id(), Chat.send(ws, null, clientId(), "first").path("conversationId").asText());
        }
    }

    private CompletableFuture<Optional<MessageStore.Appended>> append(Fixtures.Team team, Started s, String clientId, String text) {
        return messages.appendByVisitor(team.tenantId(), s.conversationId(), s.visitorId(), clientId, text)
                .subscribeAsCompletionStage();
    }

    @Test
    void appendsSharingACommitGetGaplessSequencesAndRepeatedClientIdsTheOriginalOne() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        List<Started> conversations = List.of(conversation(team), conversation(team), conversation(team));
        int perConversation = 100;
        try {
            // Submitted at once, far faster than PostgreSQL commits them: most wait and go out in groups.
            List<List<CompletableFuture<Optional<MessageStore.Appended>>>> sent = new ArrayList<>();
            List<CompletableFuture<Optional<MessageStore.Appended>>> repeats = new ArrayList<>();
            conversations.forEach(c -> sent.add(new ArrayList<>()));
            for (int i = 0; i < perConversation; i++) {
                for (int k = 0; k < conversations.size(); k++) {
                    sent.get(k).add(append(team, conversations.get(k), "g-" + i, "message " + i));
                    if (i % 10 == 9) {
                        // The widget resends the message it just sent: same clientId, likely in the same group.
                        repeats.add(append(team, conversations.get(k), "g-" + i, "message " + i));
                    }
                }
            }
            assertThat(commits.largestGroup()).as("appends went out in groups").isGreaterThan(1);

            int r = 0;
            for (int i = 0; i < perConversation; i++) {
                for (int k = 0; k < conversations.size(); k++) {
                    MessageStore.Appended original = sent.get(k).get(i).get(30, TimeUnit.SECONDS).orElseThrow();
                    if (i % 10 != 9) {
                        assertThat(original.duplicate()).isFalse();
                        continue;
                    }
                    // Whichever of the two ran first stored it (the resend may overtake the original when a group
                    // is retried message by message); both are answered with the same sequence, one as a duplicate.
                    MessageStore.Appended again = repeats.get(r++).get(30, TimeUnit.SECONDS).orElseThrow();
                    assertThat(again.seq()).isEqualTo(original.seq());
                    assertThat(again.duplicate()).isNotEqualTo(original.duplicate());
                }
            }
            for (int k = 0; k < conversations.size(); k++) {
                String c = conversations.get(k).conversationId();
                Set<Long> seqs = new HashSet<>();
                for (CompletableFuture<Optional<MessageStore.Appended>> f : sent.get(k)) {
                    seqs.add(f.get().orElseThrow().seq());
                }
                assertThat(seqs).containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(2, perConversation + 1).boxed().toList());
                assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", c)).isEqualTo(perConversation + 1);
                assertThat(Fixtures.count("select last_seq from conversations where id = ?", c)).isEqualTo(perConversation + 1);
            }
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void aMessageThatFailsInAGroupFailsAloneAndTheOthersAreStored() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        Started c = conversation(team);
        try {
            List<CompletableFuture<Optional<MessageStore.Appended>>> good = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                good.add(append(team, c, "ok-" + i, "fine " + i));
            }
            // PostgreSQL refuses U+0000 in text (the socket codec refuses it earlier; this goes round it).
            CompletableFuture<Optional<MessageStore.Appended>> bad = append(team, c, "bad", "nul \u0000 inside");
            for (int i = 20; i < 60; i++) {
                good.add(append(team, c, "ok-" + i, "fine " + i));
            }

            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            for (CompletableFuture<Optional<MessageStore.Appended>> f : good) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isPresent();
            }
            assertThat(commits.largestGroup()).isGreaterThan(1);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ?", c.conversationId())).isEqualTo(61);
            assertThat(Fixtures.count("select count(*) from messages where conversation_id = ? and client_id = 'bad'",
                    c.conversationId())).isZero();
            assertThat(Fixtures.count("select last_seq from conversations where id = ?", c.conversationId())).isEqualTo(61);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    @Test
    void firstMessagesSharingACommitStartOneConversationEachWithTheirOwnQueueTimes() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        try {
            List<Chat.Visitor> visitors = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                visitors.add(Chat.visitor(team.channelKey()));
            }
            // Submitted at once: all but the first few wait and go out in groups, one commit each.
            List<CompletableFuture<Optional<MessageStore.Appended>>> starts = new ArrayList<>();
            for (Chat.Visitor v : visitors) {
                starts.add(start(team, v));
            }
            // The first visitor again (a second tab): their conversation is live, so nothing is started.
            CompletableFuture<Optional<MessageStore.Appended>> again = start(team, visitors.get(0));

            for (CompletableFuture<Optional<MessageStore.Appended>> f : starts) {
                assertThat(f.get(30, TimeUnit.SECONDS).orElseThrow().seq()).isEqualTo(1);
            }
            assertThat(again.get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(commits.largestGroup(MessageStore.START_WITH_MESSAGE)).as("starts went out in groups").isGreaterThan(1);
            String tenant = team.tenantId();
            assertThat(Fixtures.count("select count(*) from conversations where tenant_id = ? and state = 'queued'", tenant)).isEqualTo(60);
            assertThat(Fixtures.count("select count(*) from messages where tenant_id = ?", tenant)).isEqualTo(60);
            assertThat(Fixtures.count("select count(*) from conversation_events where tenant_id = ? and kind = 'queued'", tenant))
                    .isEqualTo(60);
            // A group is one transaction, where now() is one instant: the queue would order its
            // conversations by their random ids instead of their arrival.
            assertThat(Fixtures.count("select count(distinct queued_at) from conversations where tenant_id = ?", tenant))
                    .as("every conversation has its own queue time").isEqualTo(60);
        } finally {
            Chat.retire(team.tenantId());
        }
    }

    private CompletableFuture<Optional<MessageStore.Appended>> start(Fixtures.Team team, Chat.Visitor v) {
        return messages.startByVisitor(team.tenantId(), team.channelId(), v.id(), UUID.randomUUID().toString(), clientId(), "hello")
                .subscribeAsCompletionStage();
    }
}
