package io.switchboard.console;

import io.smallrye.mutiny.Uni;
import io.switchboard.protocol.ClientFrame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The resumes of one staff socket. A resume can take a while (hundreds of conversations), so it
 * runs beside the socket's frame handling instead of inside it: the socket handles one frame at
 * a time, and a resume inside that turn would hold back every frame sent after it, messages and
 * typing included. One resume runs at a time, so at most one page of history per socket is in
 * memory; resumes sent meanwhile wait, merged into one (per conversation the lowest cursor), so
 * a burst of gap-filling resumes costs one pass and nothing asked for is dropped.
 */
final class ResumeLane {

    private final Function<ClientFrame.Resume, Uni<Void>> runner;
    private final int maxCursors;
    private boolean running;
    private ClientFrame.Resume waiting;

    /**
     * @param runner     runs one resume to its end; its failures are the runner's to report
     * @param maxCursors the most cursors one resume may carry; a merge beyond it is refused
     */
    ResumeLane(Function<ClientFrame.Resume, Uni<Void>> runner, int maxCursors) {
        this.runner = runner;
        this.maxCursors = maxCursors;
    }

    /**
     * Runs the resume now, or after the one running.
     *
     * @return false when it could not wait: merged with the waiting one it would exceed the
     *         cursor limit (the caller answers with an error frame)
     */
    boolean submit(ClientFrame.Resume resume) {
        synchronized (this) {
            if (running) {
                ClientFrame.Resume merged = waiting == null ? resume : merge(waiting, resume, maxCursors);
                if (merged == null) {
                    return false;
                }
                waiting = merged;
                return true;
            }
            running = true;
        }
        start(resume);
        return true;
    }

    private void start(ClientFrame.Resume resume) {
        Uni<Void> run;
        try {
            run = runner.apply(resume);
        } catch (RuntimeException e) {
            run = Uni.createFrom().failure(e);
        }
        run.subscribe().with(v -> next(), e -> next());
    }

    private void next() {
        ClientFrame.Resume then;
        synchronized (this) {
            then = waiting;
            waiting = null;
            running = then != null;
        }
        if (then != null) {
            start(then);
        }
    }

    /**
     * Both resumes' cursors, one per conversation with the lower {@code lastSeq} (both asked for
     * everything after their own), in first-asked order; null when that is more than {@code max}.
     */
    static ClientFrame.Resume merge(ClientFrame.Resume first, ClientFrame.Resume second, int max) {
        Map<String, Long> lowest = new LinkedHashMap<>();
        for (ClientFrame.Resume r : List.of(first, second)) {
            for (ClientFrame.Cursor c : r.cursors()) {
                lowest.merge(c.conversationId(), c.lastSeq(), Math::min);
            }
        }
        if (lowest.size() > max) {
            return null;
        }
        List<ClientFrame.Cursor> cursors = new ArrayList<>(lowest.size());
        lowest.forEach((id, seq) -> cursors.add(new ClientFrame.Cursor(id, seq)));
        return new ClientFrame.Resume(List.copyOf(cursors));
    }
}
