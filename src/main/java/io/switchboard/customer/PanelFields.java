package io.switchboard.customer;

import io.switchboard.common.FieldErrors;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the customer panel may show (A8), by name: the tenant's setting {@code customerPanel}
 * chooses among these; none chosen (null) shows them all. Pure.
 */
public final class PanelFields {

    /** Every field, in the order the console lays them out. */
    public static final List<String> ALL = List.of("name", "email", "attributes", "tier", "owner", "account",
            "pastConversations", "pages", "source");

    private PanelFields() {}

    /** The stored setting (comma-separated names) as a list; null for null (all shown). */
    public static List<String> parse(String stored) {
        if (stored == null) {
            return null;
        }
        return stored.isEmpty() ? List.of() : List.of(stored.split(","));
    }

    /** The fields shown for a setting: all of them for null. */
    public static Set<String> shown(List<String> setting) {
        return Set.copyOf(setting == null ? ALL : setting);
    }

    /** Adds an error for each unknown or repeated name. */
    public static void validate(String field, List<String> setting, FieldErrors errors) {
        if (setting == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < setting.size(); i++) {
            String name = setting.get(i);
            if (name == null || !ALL.contains(name)) {
                errors.add(field + "[" + i + "]", "must be one of " + String.join(", ", ALL));
            } else if (!seen.add(name)) {
                errors.add(field + "[" + i + "]", "is given twice");
            }
        }
    }
}
