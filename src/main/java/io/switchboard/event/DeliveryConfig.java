package io.switchboard.event;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The delivery sweeps of messages and of state frames (docs/operations.md, "Message delivery"). */
@ConfigMapping(prefix = "switchboard.delivery")
public interface DeliveryConfig {

    /**
     * How long a stored message may stay unpublished before the sweep publishes it. Long
     * enough that the replica that stored it has published and marked it (milliseconds when
     * healthy), so the sweep does not double the live path's work; short enough that a
     * visitor's last word reaches the agent within seconds when that replica died.
     */
    @WithDefault("2s")
    Duration grace();

    /** How often every replica looks for such messages ({@code switchboard.delivery.sweep-interval}, read by the scheduler). */
    @WithDefault("1s")
    Duration sweepInterval();

    /** The most messages one sweep claims and publishes; the next sweep takes the rest. */
    @WithDefault("200")
    int batch();

    /**
     * How long a published message's mark waits for others before one statement marks them
     * all ({@link GatheredMarks}). Far below {@link #grace()}: a mark only has to land before
     * the sweep would look at the message.
     */
    @WithDefault("100ms")
    Duration markLinger();

    /** The most marks one statement carries; a full batch goes without waiting for the linger. */
    @WithDefault("500")
    int markBatch();
}
