package io.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.WsClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A socket's frames, matched in any order and each at most once: frames that arrive
 * before the one awaited stay in the backlog for later expectations, since frames
 * published by different replicas have no order relative to each other.
 */
final class Inbox implements AutoCloseable {
    static final Duration FRAME_TIMEOUT = Duration.ofSeconds(10);
    private final String name;
    private final WsClient ws;
    private final List<JsonNode> backlog = new ArrayList<>();

    Inbox(String name, WsClient ws) {
        this.name = name;
        this.ws = ws;
    }

    WsClient socket() {
        return ws;
    }

    void send(Object frame) {
        ws.send(frame);
    }

    JsonNode expect(String what, Predicate<JsonNode> match) {
        for (Iterator<JsonNode> it = backlog.iterator(); it.hasNext(); ) {
            JsonNode f = it.next();
            if (match.test(f)) {
                it.remove();
                return f;
            }
        }
        long deadline = System.nanoTime() + FRAME_TIMEOUT.toNanos();
        while (true) {
            JsonNode f;
            try {
                f = ws.await(x -> true, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (AssertionError timeout) {
                throw new AssertionError(name + ": no '" + what + "' frame within " + FRAME_TIMEOUT
                        + "; unmatched frames: " + backlog + (ws.isClosed() ? " (socket closed)" : ""));
            }
            if (match.test(f)) {
                return f;
            }
            backlog.add(f);
        }
    }

    @Override
    public void close() {
        ws.close();
    }
}
