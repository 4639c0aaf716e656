package io.switchboard.routing.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reconciler's rule for acting on a disagreement between Redis and PostgreSQL: act only on
 * one seen alike at two consecutive checks at least {@code apart} from each other, never on a
 * single reading. A write in flight (PostgreSQL committed, Redis not yet written, or the other
 * way round) makes the two copies differ for milliseconds; reading that moment twice, with the
 * same values, practically never happens. Pure, and one instance per tenant and kind of figure.
 *
 * @param <K> what disagrees (an agent, an agent's setting)
 * @param <V> how it disagrees (a difference, a pair of values); equal values mean "alike"
 */
final class SecondLook<K, V> {

    private record Seen<V>(V how, long atMillis) {}

    private final long apartMillis;
    /** What the previous check saw disagree. */
    private final Map<K, Seen<V>> previous = new HashMap<>();

    SecondLook(long apartMillis) {
        this.apartMillis = apartMillis;
    }

    /**
     * Feeds one check: every disagreement it saw, in the order answers should come. Returns
     * those seen alike at the previous check, at least {@code apart} earlier; remembers the
     * rest. Anything absent from this check is forgotten, and so is anything answered: if the
     * action could not be applied, later checks start over.
     */
    synchronized List<K> check(Map<K, V> disagreements, long nowMillis) {
        List<K> act = new ArrayList<>();
        Map<K, Seen<V>> seen = new HashMap<>();
        disagreements.forEach((key, how) -> {
            Seen<V> before = previous.get(key);
            if (before == null || !before.how().equals(how)) {
                seen.put(key, new Seen<>(how, nowMillis));
            } else if (nowMillis - before.atMillis() >= apartMillis) {
                act.add(key);
            } else {
                // Seen again too soon to count as a second look: keep when it was first seen.
                seen.put(key, before);
            }
        });
        previous.clear();
        previous.putAll(seen);
        return act;
    }
}
