package io.switchboard.conversation;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.protocol.ClientFrame;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.ServerFrames.MessageView;
import io.switchboard.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * A staff member's {@code resume}: for each cursor in turn, the conversation's state and every
 * message after the cursor, read in pages and written to the socket page by page. The next
 * page but one is read only once the last one is written (the sink's Uni completes when the
 * socket has taken the frames), so a resume of 500 conversations of 1,000 messages each holds
 * two pages at a time, and a client that reads slowly slows the reading down instead of
 * filling the heap.
 * A cursor the caller may not see gets its own {@code not_found} error and the others go on.
 */
@ApplicationScoped
public class StaffResume {

    /** Where the frames go: the staff socket. */
    public interface Sink {

        /** Writes the frames in order; completes once they are written, fails when the socket is gone. */
        Uni<Void> write(List<String> frames);

        /** The cursor of this conversation was refused (not visible, no such id). */
        Uni<Void> refuse(String conversationId, Problem why);
    }

    private final ConversationAccess access;
    private final ConversationStore store;
    private final ServerFrames frames;
    private final int pageSize;

    StaffResume(ConversationAccess access, ConversationStore store, ServerFrames frames, ResumeConfig config) {
        this.access = access;
        this.store = store;
        this.frames = frames;
        this.pageSize = config.pageSize();
    }

    /** Runs the whole resume; fails only when the socket or the storage fails, never for one bad cursor. */
    public Uni<Void> run(Caller staff, ClientFrame.Resume resume, Sink sink) {
        return access.viewer(staff).flatMap(viewer -> Multi.createFrom().iterable(resume.cursors())
                // One conversation after the other: concatenation, not merge, keeps one page in flight.
                .onItem().transformToUniAndConcatenate(cursor -> conversation(staff, viewer, cursor, sink)
                        .onFailure(Problem.class).recoverWithUni(p -> sink.refuse(cursor.conversationId(), (Problem) p))
                        .replaceWith(cursor))
                .collect().last()
                .replaceWithVoid());
    }

    /** As the console draws it: {@code assigned} first when open, the messages, {@code closed} last when closed. */
    private Uni<Void> conversation(Caller staff, Visibility.Viewer viewer, ClientFrame.Cursor cursor, Sink sink) {
        return access.visible(staff, viewer, cursor.conversationId()).flatMap(c -> {
            Uni<Void> head = c.isOpen() ? sink.write(List.of(frames.assigned(c.id(), c.assigneeId(), c.assigneeName())))
                    : Uni.createFrom().voidItem();
            return head.flatMap(v -> messages(c, cursor.lastSeq(), sink))
                    .flatMap(v -> c.isClosed() ? sink.write(List.of(frames.closed(c.id(), c.closeReason())))
                            : Uni.createFrom().voidItem());
        });
    }

    /**
     * Page after page until a short one; a loop, not a recursion, so a long history builds no
     * deep chain. The next page is read while this one is written (its query overlaps the
     * socket's writing), so at most two pages are held at once.
     */
    private Uni<Void> messages(ConversationRow c, long lastSeq, Sink sink) {
        List<Uni<List<MessageView>>> ahead = new ArrayList<>(1);
        ahead.add(page(c, lastSeq));
        return Multi.createBy().repeating()
                .uni(() -> ahead, next -> next.get(0).flatMap(page -> {
                    boolean more = page.size() == pageSize;
                    if (more) {
                        Uni<List<MessageView>> following = page(c, page.get(page.size() - 1).seq());
                        next.set(0, following);
                    }
                    List<String> out = new ArrayList<>(page.size());
                    page.forEach(m -> out.add(frames.message(m)));
                    return sink.write(out).replaceWith(more);
                }))
                .whilst(more -> more)
                .collect().last()
                .replaceWithVoid();
    }

    /** One page, its query started at once; its result is kept for whoever subscribes next. */
    private Uni<List<MessageView>> page(ConversationRow c, long after) {
        Uni<List<MessageView>> page = store.messagesAfter(c.tenantId(), c.id(), after, pageSize, true).memoize().indefinitely();
        page.subscribe().with(x -> { }, e -> { });
        return page;
    }
}
