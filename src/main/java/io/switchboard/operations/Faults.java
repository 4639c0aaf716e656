package io.switchboard.operations;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Fault hooks for the integration tests that prove recovery from a replica's death at the
 * worst moment. Each is off unless its setting is given, and a production launch refuses to
 * start with one set unless the {@code faults} profile is active (LaunchSafety): they exist
 * to kill the process.
 */
@ApplicationScoped
public class Faults {

    /** The text of a message after whose commit, before any publish or ack, the replica halts. */
    public static final String HALT_AFTER_COMMIT_TEXT = "switchboard.faults.halt-after-commit-text";

    /** The kind of a domain event after whose commit, before its fan-out, the replica halts. */
    public static final String HALT_AFTER_EVENT_KIND = "switchboard.faults.halt-after-event-kind";

    /** The profile under which a launch may carry fault hooks. */
    public static final String PROFILE = "faults";

    private final Optional<String> haltAfterCommitText;
    private final Optional<String> haltAfterEventKind;

    Faults(@ConfigProperty(name = HALT_AFTER_COMMIT_TEXT) Optional<String> haltAfterCommitText,
           @ConfigProperty(name = HALT_AFTER_EVENT_KIND) Optional<String> haltAfterEventKind) {
        this.haltAfterCommitText = haltAfterCommitText;
        this.haltAfterEventKind = haltAfterEventKind;
    }

    /** Called by the fan-out with each committed event's kind, before anything is published: halts as {@link #messageCommitted} does. */
    public void eventCommitted(String kind) {
        if (haltAfterEventKind.isPresent() && haltAfterEventKind.get().equals(kind)) {
            Runtime.getRuntime().halt(137);
        }
    }

    /**
     * Called with a new message's text right after its commit. Halts like {@code kill -9}: no
     * shutdown hook, no drain, nothing published, the sockets dropped.
     */
    public void messageCommitted(String text) {
        if (haltAfterCommitText.isPresent() && haltAfterCommitText.get().equals(text)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
