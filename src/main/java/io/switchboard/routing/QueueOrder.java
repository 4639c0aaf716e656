package io.switchboard.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The order waiting conversations are served in (A2, B4), and so each visitor's position:
 * <ol>
 *   <li>higher channel priority first (channels without a priority count as 0);</li>
 *   <li>within a channel, its own discipline: first-in first-out by default, or last-in first-out;</li>
 *   <li>between channels of equal priority, the channel whose next conversation has waited
 *       longest goes first, so no channel starves another.</li>
 * </ol>
 * Conversation ids settle exact ties, so every replica computes the same positions.
 *
 * <p>This is a merge rather than one comparator because first-in and last-in channels of the
 * same priority have no common sort key: each channel is sorted by its own rule and the
 * channels are interleaved by how long their heads have waited. With every channel first-in
 * first-out, the result is simply oldest first.
 */
public final class QueueOrder {

    private static final Comparator<QueueEntry> OLDEST_FIRST = Comparator.comparing(QueueEntry::enqueuedAt)
            .thenComparing(QueueEntry::conversationId);
    private static final Comparator<QueueEntry> NEWEST_FIRST = Comparator.comparing(QueueEntry::enqueuedAt).reversed()
            .thenComparing(QueueEntry::conversationId);

    private final Map<String, Integer> priorityByChannel;
    private final Map<String, QueueDiscipline> disciplineByChannel;

    public QueueOrder(Map<String, Integer> priorityByChannel, Map<String, QueueDiscipline> disciplineByChannel) {
        this.priorityByChannel = Map.copyOf(priorityByChannel);
        this.disciplineByChannel = Map.copyOf(disciplineByChannel);
    }

    /** Every channel equal and first-in first-out. */
    public static QueueOrder firstInFirstOut() {
        return new QueueOrder(Map.of(), Map.of());
    }

    public int priority(String channelId) {
        return priorityByChannel.getOrDefault(channelId, 0);
    }

    public QueueDiscipline discipline(String channelId) {
        return disciplineByChannel.getOrDefault(channelId, QueueDiscipline.FIFO);
    }

    /** The entries in the order they will be served. */
    public List<QueueEntry> order(Collection<QueueEntry> entries) {
        TreeMap<Integer, Map<String, List<QueueEntry>>> tiers = new TreeMap<>(Comparator.reverseOrder());
        for (QueueEntry e : entries) {
            tiers.computeIfAbsent(priority(e.channelId()), p -> new TreeMap<>())
                    .computeIfAbsent(e.channelId(), c -> new ArrayList<>()).add(e);
        }
        List<QueueEntry> out = new ArrayList<>(entries.size());
        for (Map<String, List<QueueEntry>> channels : tiers.values()) {
            mergeTier(channels, out);
        }
        return out;
    }

    /** The conversation to serve next, if any is waiting. */
    public Optional<QueueEntry> next(Collection<QueueEntry> entries) {
        List<QueueEntry> ordered = order(entries);
        return ordered.isEmpty() ? Optional.empty() : Optional.of(ordered.get(0));
    }

    /** Each waiting conversation's position, starting at 1, in serving order. */
    public Map<String, Integer> positions(Collection<QueueEntry> entries) {
        Map<String, Integer> positions = new LinkedHashMap<>();
        int position = 1;
        for (QueueEntry e : order(entries)) {
            positions.put(e.conversationId(), position++);
        }
        return positions;
    }

    /** Interleaves one priority tier's channels, each already in its own order, by how long their heads have waited. */
    private void mergeTier(Map<String, List<QueueEntry>> channels, List<QueueEntry> out) {
        PriorityQueue<Deque<QueueEntry>> heads = new PriorityQueue<>(
                Comparator.comparing((Deque<QueueEntry> q) -> q.peekFirst(), OLDEST_FIRST));
        channels.forEach((channel, list) -> {
            list.sort(discipline(channel) == QueueDiscipline.LIFO ? NEWEST_FIRST : OLDEST_FIRST);
            heads.add(new ArrayDeque<>(list));
        });
        while (!heads.isEmpty()) {
            Deque<QueueEntry> channel = heads.poll();
            out.add(channel.pollFirst());
            if (!channel.isEmpty()) {
                heads.add(channel);
            }
        }
    }
}
