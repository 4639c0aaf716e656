package io.switchboard.it.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a benchmark run, all system properties ({@code -Dbench.p1.sockets=30000}).
 * Defaults are sized so that every scenario together runs in about a quarter of an hour on
 * the 2-core reference machine; {@code -Dbench.full=true} switches every scenario to the
 * size its target names (../shared/BENCHMARKS.md), which takes longer (the soak alone is 30
 * minutes). An explicit knob always wins over either. Every value read is remembered so the
 * report can say what was run.
 */
final class Knobs {

    private final boolean full = Boolean.getBoolean("bench.full");
    private final Map<String, String> used = new LinkedHashMap<>();

    boolean full() {
        return full;
    }

    /** An integer knob: the explicit property, else the full-size or the default value. */
    int integer(String name, int byDefault, int whenFull) {
        int value = Integer.getInteger(name, full ? whenFull : byDefault);
        used.put(name, Integer.toString(value));
        return value;
    }

    int integer(String name, int byDefault) {
        return integer(name, byDefault, byDefault);
    }

    /** True when the property was given on the command line (not a default). */
    boolean given(String name) {
        return System.getProperty(name) != null;
    }

    String text(String name, String byDefault) {
        String value = System.getProperty(name, byDefault);
        used.put(name, value);
        return value;
    }

    /** Every knob read so far with its value, for the report. */
    String describe() {
        StringBuilder b = new StringBuilder();
        used.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append('`').append(k).append('=').append(v).append('`'));
        return b.toString();
    }
}
