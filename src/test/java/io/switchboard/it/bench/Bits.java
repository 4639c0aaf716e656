package io.switchboard.it.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/** A fixed-size bit set that event-loop threads may set concurrently: which messages were acked, which arrived. */
final class Bits {

    private final AtomicLongArray words;

    Bits(long capacity) {
        words = new AtomicLongArray((int) ((capacity + 63) / 64));
    }

    long capacity() {
        return words.length() * 64L;
    }

    /** Sets bit i; false if it was set already (a duplicate). Indexes past the capacity are ignored. */
    boolean set(long i) {
        if (i < 0 || i >= capacity()) {
            return false;
        }
        int w = (int) (i >>> 6);
        long mask = 1L << (i & 63);
        while (true) {
            long old = words.get(w);
            if ((old & mask) != 0) {
                return false;
            }
            if (words.compareAndSet(w, old, old | mask)) {
                return true;
            }
        }
    }

    boolean get(long i) {
        return i >= 0 && i < capacity() && (words.get((int) (i >>> 6)) & (1L << (i & 63))) != 0;
    }

    /** How many of the bits in [from, to) are set in this set but not in {@code other}. */
    long missingFrom(Bits other, long from, long to) {
        long n = 0;
        for (long i = from; i < to; i++) {
            if (get(i) && !other.get(i)) {
                n++;
            }
        }
        return n;
    }
}
