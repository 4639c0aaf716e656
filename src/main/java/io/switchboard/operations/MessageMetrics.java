package io.switchboard.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code switchboard.messages.stored{sender}}: messages committed, by sender kind; a re-sent
 * clientId answered from the stored row is not counted again. The counters are registered
 * once, when the bean is made: building and registering a meter looks it up by name and tags,
 * work not worth repeating for every message on the hot path.
 */
@ApplicationScoped
public class MessageMetrics {

    private final Counter visitor;
    private final Counter agent;

    MessageMetrics(MeterRegistry registry) {
        this.visitor = counter(registry, "visitor");
        this.agent = counter(registry, "agent");
    }

    private static Counter counter(MeterRegistry registry, String sender) {
        return Counter.builder("switchboard.messages.stored").tag("sender", sender)
                .description("Messages committed, by sender kind").register(registry);
    }

    public void visitorStored() {
        visitor.increment();
    }

    public void agentStored() {
        agent.increment();
    }
}
