package io.switchboard.agent;

import io.switchboard.common.FieldErrors;
import io.switchboard.routing.TimeRange;
import io.switchboard.routing.WorkingHours;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns a group's stored hours into {@link WorkingHours}, naming each field that is wrong. */
public final class GroupHours {

    private GroupHours() {}

    /** The working hours, or null with the reasons added to {@code errors}. */
    public static WorkingHours compile(String timeZone, boolean alwaysOpen, Map<String, List<String>> weekly,
                                       List<String> holidays, FieldErrors errors) {
        ZoneId zone = null;
        try {
            zone = ZoneId.of(timeZone == null ? "" : timeZone);
        } catch (DateTimeException e) {
            errors.add("timeZone", "unknown time zone, use an IANA name such as Europe/Paris");
        }
        Map<DayOfWeek, List<TimeRange>> ranges = new EnumMap<>(DayOfWeek.class);
        if (weekly != null) {
            weekly.forEach((day, texts) -> {
                DayOfWeek dow;
                try {
                    dow = DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    errors.add("weeklyHours." + day, "not a day of the week (MONDAY..SUNDAY)");
                    return;
                }
                List<TimeRange> parsed = new ArrayList<>();
                for (String t : texts == null ? List.<String>of() : texts) {
                    try {
                        parsed.add(TimeRange.parse(t));
                    } catch (IllegalArgumentException e) {
                        errors.add("weeklyHours." + day, e.getMessage());
                    }
                }
                ranges.put(dow, parsed);
            });
        }
        Set<LocalDate> dates = new HashSet<>();
        for (String h : holidays == null ? List.<String>of() : holidays) {
            try {
                dates.add(LocalDate.parse(h));
            } catch (DateTimeException e) {
                errors.add("holidays", "'" + h + "' is not a date like 2026-12-25");
            }
        }
        if (zone == null || !errors.isEmpty()) {
            return null;
        }
        return alwaysOpen ? WorkingHours.alwaysOpen(zone) : WorkingHours.weekly(zone, ranges, dates);
    }

    public static WorkingHours of(AgentGroup g) {
        FieldErrors ignored = new FieldErrors();
        WorkingHours h = compile(g.timeZone, g.alwaysOpen, g.hours.weekly, g.hours.holidays, ignored);
        // Stored hours were validated when saved; a zone the JVM no longer knows keeps the group open.
        return h != null ? h : WorkingHours.alwaysOpen(ZoneId.of("UTC"));
    }
}
