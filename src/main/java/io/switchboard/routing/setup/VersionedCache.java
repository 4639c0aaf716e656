package io.switchboard.routing.setup;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Values loaded per key, kept until they are forgotten or grow older than a time to live.
 *
 * <p>Every key has a generation that {@link #forget} raises. A load remembers the generation
 * it started in and is kept only if the key is still in that generation when it completes.
 * Without that, a load that read the old rows just before a change committed, and finished
 * just after the change was announced, would put the old value back for a whole time to live.
 * {@link #forgetAll} does the same for every key at once, with a counter of its own.
 *
 * <p>Concurrent misses of one key share one load, so a burst of conversations right after a
 * change reads the configuration once, not once each. Safe for use from any thread.
 */
public final class VersionedCache<K, V> {

    /**
     * What one key holds: its generation and, once a load of that generation finished, the
     * value with the time its load started; while a load of that generation runs, the load,
     * for later callers to share. A forgotten key stays as a slot without a value, so that its
     * generation keeps counting up and never comes back to one a load remembers.
     */
    private record Slot<V>(long generation, V value, long loadStartedNanos, Uni<V> loading) {

        static <V> Slot<V> forgotten(long generation) {
            return new Slot<>(generation, null, 0, null);
        }
    }

    private record Ticket(long generation, long clearing, long startedNanos) {}

    private final Map<K, Slot<V>> slots = new ConcurrentHashMap<>();
    private final AtomicLong clearings = new AtomicLong();
    private final long ttlNanos;
    private final LongSupplier nanoTime;

    /** @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests */
    public VersionedCache(Duration ttl, LongSupplier nanoTime) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("time to live must not be negative");
        }
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * The key's value: the kept one while it is younger than the time to live, otherwise the
     * loader's, kept unless the key was forgotten while it loaded. A failed load keeps nothing.
     */
    public Uni<V> get(K key, Function<K, Uni<V>> loader) {
        V fresh = fresh(key);
        if (fresh != null) {
            return Uni.createFrom().item(fresh);
        }
        return Uni.createFrom().deferred(() -> {
            // The load is only described inside compute; it runs when the caller subscribes.
            Slot<V> slot = slots.compute(key, (k, s) -> {
                if (s != null && s.loading() != null) {
                    return s;
                }
                Ticket ticket = ticket(s);
                Uni<V> load = Uni.createFrom().deferred(() -> loader.apply(key))
                        .onItemOrFailure().invoke((v, e) -> settle(key, ticket, v))
                        .memoize().indefinitely();
                return new Slot<>(ticket.generation(), s == null ? null : s.value(),
                        s == null ? 0 : s.loadStartedNanos(), load);
            });
            return slot.loading();
        });
    }

    /** The kept value of the key if it is still fresh, else null; never loads. */
    public V fresh(K key) {
        Slot<V> s = slots.get(key);
        if (s == null || s.value() == null || nanoTime.getAsLong() - s.loadStartedNanos() >= ttlNanos) {
            return null;
        }
        return s.value();
    }

    /** Drops the key's value; a load under way keeps nothing when it completes. */
    public void forget(K key) {
        slots.compute(key, (k, s) -> Slot.forgotten(s == null ? 1 : s.generation() + 1));
    }

    /** Drops every value; loads under way keep nothing. */
    public void forgetAll() {
        // The counter first: a load that completes between the two steps sees it has changed.
        clearings.incrementAndGet();
        slots.replaceAll((k, s) -> Slot.forgotten(s.generation() + 1));
    }

    /** Called inside the key's compute, with its current slot (null for a key never seen). */
    private Ticket ticket(Slot<V> s) {
        return new Ticket(s == null ? 0 : s.generation(), clearings.get(), nanoTime.getAsLong());
    }

    /**
     * A load ended: its value is kept if nothing was forgotten since it started; either way the
     * key no longer points at it, so a failed load is tried again by the next caller.
     */
    private void settle(K key, Ticket ticket, V value) {
        slots.computeIfPresent(key, (k, s) -> {
            if (s.generation() != ticket.generation() || clearings.get() != ticket.clearing()) {
                // Forgotten meanwhile: this slot belongs to a newer generation and its own load.
                return s;
            }
            if (value == null) {
                return new Slot<>(s.generation(), s.value(), s.loadStartedNanos(), null);
            }
            // Counted from the start of the load: the rows can be no older than that.
            return new Slot<>(s.generation(), value, ticket.startedNanos(), null);
        });
    }
}
