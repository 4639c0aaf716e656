package io.switchboard.it.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bookkeeping of visitor-to-agent traffic: message {@code i} goes out with clientId
 * {@code m<i>} and text {@code b <i> <due nanos>}; its ack marks it committed, its arrival
 * at an agent's console marks it delivered and gives its latency. Against the echo server
 * the echoed frame is both. Frames are read with plain string search, not a JSON parser, so
 * the load generator stays cheap at tens of thousands of frames a second.
 */
final class Flow {

    final Percentiles latency;
    /** Latency by message number in microseconds (0: not received), to see when the slow ones were sent. */
    final long[] latencyByMessage;
    final Bits acked;
    final Bits received;
    final AtomicLong ackCount = new AtomicLong();
    final AtomicLong receivedCount = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private final Map<String, AtomicLong> errorCodes = new ConcurrentHashMap<>();

    /** Room for {@code messages} message numbers and as many latency samples. */
    Flow(long messages) {
        latency = new Percentiles((int) Math.min(Integer.MAX_VALUE - 16, messages));
        latencyByMessage = new long[(int) Math.min(Integer.MAX_VALUE - 16, messages)];
        acked = new Bits(messages);
        received = new Bits(messages);
    }

    static String frame(long i, long dueNanos, String conversationId) {
        return "{\"type\":\"message\",\"clientId\":\"m" + i + "\""
                + (conversationId == null ? "" : ",\"conversationId\":\"" + conversationId + "\"")
                + ",\"text\":\"b " + i + " " + dueNanos + "\"}";
    }

    /** What a visitor's socket receives: acks and error frames. */
    void onVisitorFrame(String f) {
        if (f.startsWith("{\"type\":\"ack\"")) {
            long i = number(f, "\"clientId\":\"m");
            if (i >= 0 && acked.set(i)) {
                ackCount.incrementAndGet();
            }
        } else if (f.startsWith("{\"type\":\"error\"")) {
            errors.incrementAndGet();
            int at = f.indexOf("\"code\":\"");
            String code = at < 0 ? "?" : f.substring(at + 8, f.indexOf('"', at + 8));
            errorCodes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /** What an agent's console receives: our messages among others (status, assigned...). */
    void onAgentFrame(String f) {
        int at = f.indexOf("\"text\":\"b ");
        if (at < 0 || !f.startsWith("{\"type\":\"message\"")) {
            return;
        }
        int start = at + "\"text\":\"b ".length();
        int space = f.indexOf(' ', start);
        long i = Long.parseLong(f, start, space, 10);
        long due = Long.parseLong(f, space + 1, f.indexOf('"', space), 10);
        if (received.set(i)) {
            receivedCount.incrementAndGet();
            long micros = (System.nanoTime() - due) / 1000;
            latency.add(micros);
            if (i < latencyByMessage.length) {
                latencyByMessage[(int) i] = micros;
            }
        } else {
            duplicates.incrementAndGet();
        }
    }

    /** The echo server's answer: committed and delivered in one. */
    void onEchoFrame(String f) {
        onAgentFrame(f);
        long i = number(f, "\"clientId\":\"m");
        if (i >= 0 && acked.set(i)) {
            ackCount.incrementAndGet();
        }
    }

    /** Error frames by code, for the report: {@code unavailable=3, internal=1}. */
    String errorSummary() {
        return new TreeMap<>(errorCodes).toString();
    }

    private static long number(String f, String prefix) {
        int at = f.indexOf(prefix);
        if (at < 0) {
            return -1;
        }
        int start = at + prefix.length();
        int end = start;
        while (end < f.length() && Character.isDigit(f.charAt(end))) {
            end++;
        }
        return end == start ? -1 : Long.parseLong(f, start, end, 10);
    }
}
