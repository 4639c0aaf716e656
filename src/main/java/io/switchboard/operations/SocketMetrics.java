package io.switchboard.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;

/** Authenticated sockets this replica holds, by kind: {@code switchboard.sockets.open{kind}}. */
@ApplicationScoped
public class SocketMetrics {

    public enum Kind { VISITOR, STAFF }

    private final AtomicInteger visitors = new AtomicInteger();
    private final AtomicInteger staff = new AtomicInteger();

    SocketMetrics(MeterRegistry registry) {
        Gauge.builder("switchboard.sockets.open", visitors, AtomicInteger::get).tag("kind", "visitor")
                .description("Authenticated visitor sockets open on this replica").register(registry);
        Gauge.builder("switchboard.sockets.open", staff, AtomicInteger::get).tag("kind", "staff")
                .description("Authenticated staff sockets open on this replica").register(registry);
    }

    public void opened(Kind kind) {
        counter(kind).incrementAndGet();
    }

    public void closed(Kind kind) {
        counter(kind).decrementAndGet();
    }

    public int open(Kind kind) {
        return counter(kind).get();
    }

    private AtomicInteger counter(Kind kind) {
        return kind == Kind.VISITOR ? visitors : staff;
    }
}
