package io.switchboard.routing;

import java.util.Locale;
import java.util.Optional;

/** B3: only online agents get automatic assignments. */
public enum AgentStatus {
    ONLINE, BREAK, OFFLINE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AgentStatus> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "online" -> Optional.of(ONLINE);
            case "break" -> Optional.of(BREAK);
            case "offline" -> Optional.of(OFFLINE);
            default -> Optional.empty();
        };
    }
}
