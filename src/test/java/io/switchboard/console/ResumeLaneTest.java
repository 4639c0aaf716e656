package io.switchboard.console;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.switchboard.protocol.ClientFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One resume at a time per staff socket; those sent meanwhile wait merged, bounded by the cursor limit. */
class ResumeLaneTest {

    private static ClientFrame.Resume resume(Object... idAndSeq) {
        List<ClientFrame.Cursor> cursors = new ArrayList<>();
        for (int i = 0; i < idAndSeq.length; i += 2) {
            cursors.add(new ClientFrame.Cursor((String) idAndSeq[i], ((Number) idAndSeq[i + 1]).longValue()));
        }
        return new ClientFrame.Resume(cursors);
    }

    @Test
    void resumesSentWhileOneRunsWaitMergedAndRunAfterIt() {
        List<ClientFrame.Resume> started = new ArrayList<>();
        List<UniEmitter<? super Void>> running = new ArrayList<>();
        ResumeLane lane = new ResumeLane(r -> {
            started.add(r);
            return Uni.createFrom().emitter(running::add);
        }, 500);

        assertThat(lane.submit(resume("a", 5))).isTrue();
        assertThat(lane.submit(resume("b", 7, "a", 9))).isTrue();
        assertThat(lane.submit(resume("a", 3, "c", 0))).isTrue();
        assertThat(started).containsExactly(resume("a", 5));

        running.get(0).complete(null);
        // One pass for both waiting resumes: per conversation from the lowest cursor asked for.
        assertThat(started).hasSize(2);
        assertThat(started.get(1)).isEqualTo(resume("b", 7, "a", 3, "c", 0));

        running.get(1).fail(new IllegalStateException("storage down"));
        assertThat(lane.submit(resume("d", 1))).isTrue();
        assertThat(started).hasSize(3);
    }

    @Test
    void aWaitingResumeThatWouldExceedTheCursorLimitIsRefused() {
        ResumeLane lane = new ResumeLane(r -> Uni.createFrom().emitter(e -> { }), 2);
        assertThat(lane.submit(resume("a", 0, "b", 0, "c", 0))).isTrue();
        assertThat(lane.submit(resume("a", 0, "b", 0))).isTrue();
        assertThat(lane.submit(resume("b", 1))).isTrue();
        assertThat(lane.submit(resume("c", 0))).isFalse();
    }

    @Test
    void mergeKeepsTheLowerCursorOfEachConversation() {
        assertThat(ResumeLane.merge(resume("a", 10, "b", 2), resume("a", 4, "b", 8), 500))
                .isEqualTo(resume("a", 4, "b", 2));
        assertThat(ResumeLane.merge(resume("a", 1), resume("b", 1), 1)).isNull();
    }
}
