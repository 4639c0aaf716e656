package io.switchboard.conversation;

import io.smallrye.mutiny.Uni;
import io.switchboard.event.Publisher;
import io.switchboard.protocol.ServerFrames;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells waiting visitors their place in the queue (B4), without flooding them. Every dispatch
 * round used to send every waiting visitor of the group a {@code queued} frame: a burst of
 * n arrivals, each starting a round, cost about n² frames (a thousand visitors, a million
 * frames), and that, not routing, used up the CPU. Now a group's positions go out at most
 * once per {@link #MIN_GAP_MILLIS} on this replica, always once more after the last request,
 * and only to visitors whose position changed since this replica last told them. A visitor
 * who reconnects gets their position from {@code resume}, so skipping an unchanged one loses
 * nothing.
 */
@ApplicationScoped
public class QueuePositions {

    private static final Logger LOG = Logger.getLogger(QueuePositions.class);
    /** Shortest time between two publications of one group's positions on one replica. */
    static final long MIN_GAP_MILLIS = 250;

    private final ConversationStore store;
    private final Publisher publisher;
    private final ServerFrames frames;
    private final Vertx vertx;
    /** Groups with a publication scheduled and not yet started. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> lastStart = new ConcurrentHashMap<>();
    /** Per group: conversation -> the position this replica last sent its visitor. */
    private final Map<String, Map<String, Integer>> sent = new ConcurrentHashMap<>();

    QueuePositions(ConversationStore store, Publisher publisher, ServerFrames frames, Vertx vertx) {
        this.store = store;
        this.publisher = publisher;
        this.frames = frames;
        this.vertx = vertx;
    }

    /** Asks for the group's positions to be published soon; returns at once. */
    public void request(String tenantId, String groupId) {
        String key = tenantId + "/" + groupId;
        if (!pending.add(key)) {
            return; // a publication not yet started will read the queue as it is then
        }
        long wait = lastStart.getOrDefault(key, 0L) + MIN_GAP_MILLIS - System.currentTimeMillis();
        vertx.setTimer(Math.max(1, wait), id -> {
            pending.remove(key);
            lastStart.put(key, System.currentTimeMillis());
            publish(tenantId, groupId, key).subscribe().with(x -> { },
                    e -> LOG.debugf(e, "queue positions of group %s not published", groupId));
        });
    }

    private Uni<Void> publish(String tenantId, String groupId, String key) {
        return store.queue(tenantId, groupId).flatMap(queue -> {
            Map<String, Integer> before = sent.getOrDefault(key, Map.of());
            Map<String, Integer> now = new HashMap<>();
            List<Publisher.Delivery> sends = new ArrayList<>();
            for (int i = 0; i < queue.size(); i++) {
                String[] entry = queue.get(i);
                int position = i + 1;
                now.put(entry[0], position);
                if (!Integer.valueOf(position).equals(before.get(entry[0]))) {
                    sends.add(publisher.visitor(tenantId, entry[1], frames.queued(entry[0], position)));
                }
            }
            // Conversations that left the queue are forgotten with the old map.
            if (now.isEmpty()) {
                sent.remove(key);
            } else {
                sent.put(key, now);
            }
            // One pipelined batch: a thousand waiting visitors cost one write and one read, not a thousand round trips.
            return sends.isEmpty() ? Uni.createFrom().voidItem() : publisher.together(sends);
        });
    }
}
