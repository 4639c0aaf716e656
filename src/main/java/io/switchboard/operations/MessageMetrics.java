package io.switchboard.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/**
 * {@code switchboard.messages.stored{sender}}: messages committed, by sender kind; a re-sent
 * clientId answered from the stored row is not counted again. Static, on Micrometer's global
 * registry (Quarkus adds its registry there), so the storage code needs one call and no wiring.
 */
public final class MessageMetrics {

    private MessageMetrics() {}

    public static void stored(String senderKind, boolean duplicate) {
        if (!duplicate) {
            Counter.builder("switchboard.messages.stored").tag("sender", senderKind)
                    .description("Messages committed, by sender kind").register(Metrics.globalRegistry).increment();
        }
    }
}
