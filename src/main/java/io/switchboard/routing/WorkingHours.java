package io.switchboard.routing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When a group serves (A4): a weekly schedule of wall-clock ranges in the group's own time
 * zone, and holiday dates on which it is closed all day. Routing sends conversations only to
 * open groups and tells the visitor when the next one opens.
 *
 * <p>The rules an admin can rely on:
 * <ul>
 *   <li>A range belongs to the day it starts on; a range past midnight (22:00-02:00) continues
 *       into the next morning.</li>
 *   <li>A holiday closes its whole date: its own ranges do not open, including their part after
 *       midnight, and the part of the previous evening's range that would run into it closes
 *       at midnight.</li>
 *   <li>Times are wall-clock in the zone. When clocks go forward, a range that starts in the
 *       skipped hour opens at the moment the clocks jump; when they go back, the repeated hour
 *       is open or closed both times, as the schedule says.</li>
 *   <li>An empty schedule is always closed; {@link #alwaysOpen} is open around the clock and
 *       ignores holidays.</li>
 * </ul>
 *
 * @param weekly   ranges per day of week; days without an entry are closed
 * @param holidays dates, in the zone, on which the group is closed
 */
public record WorkingHours(ZoneId zone, Map<DayOfWeek, List<TimeRange>> weekly, Set<LocalDate> holidays,
                           boolean open24x7) {

    /** How far {@link #nextOpening} looks ahead: a year of holidays and a week of schedule. */
    static final int HORIZON_DAYS = 366 + 7;

    public WorkingHours {
        Objects.requireNonNull(zone, "zone");
        Map<DayOfWeek, List<TimeRange>> copy = new EnumMap<>(DayOfWeek.class);
        if (weekly != null) {
            weekly.forEach((day, ranges) -> copy.put(day, List.copyOf(ranges)));
        }
        weekly = Map.copyOf(copy);
        holidays = holidays == null ? Set.of() : Set.copyOf(holidays);
    }

    public static WorkingHours alwaysOpen(ZoneId zone) {
        return new WorkingHours(zone, Map.of(), Set.of(), true);
    }

    public static WorkingHours weekly(ZoneId zone, Map<DayOfWeek, List<TimeRange>> weekly, Set<LocalDate> holidays) {
        return new WorkingHours(zone, weekly, holidays, false);
    }

    /** True at every instant the group serves. */
    public boolean isOpen(Instant instant) {
        if (open24x7) {
            return true;
        }
        ZonedDateTime local = instant.atZone(zone);
        LocalDate day = local.toLocalDate();
        LocalTime time = local.toLocalTime();
        if (holidays.contains(day)) {
            return false;
        }
        for (TimeRange r : ranges(day.getDayOfWeek())) {
            if (r.coversOnStartDay(time)) {
                return true;
            }
        }
        LocalDate previous = day.minusDays(1);
        if (holidays.contains(previous)) {
            return false;
        }
        for (TimeRange r : ranges(previous.getDayOfWeek())) {
            if (r.coversOnNextDay(time)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first instant at or after {@code from} when the group is open: {@code from} itself if
     * open now, empty if it never opens within {@value #HORIZON_DAYS} days (an empty schedule,
     * or holidays covering everything). Openings happen only where a range starts, so those are
     * the only instants examined.
     */
    public Optional<Instant> nextOpening(Instant from) {
        if (isOpen(from)) {
            return Optional.of(from);
        }
        LocalDate day = from.atZone(zone).toLocalDate();
        for (int i = 0; i <= HORIZON_DAYS; i++) {
            LocalDate d = day.plusDays(i);
            if (holidays.contains(d)) {
                continue;
            }
            Instant best = null;
            for (TimeRange r : ranges(d.getDayOfWeek())) {
                for (Instant start : instantsOf(d.atTime(r.start()))) {
                    if (!start.isBefore(from) && isOpen(start) && (best == null || start.isBefore(best))) {
                        best = start;
                    }
                }
            }
            if (best != null) {
                return Optional.of(best);
            }
        }
        return Optional.empty();
    }

    private List<TimeRange> ranges(DayOfWeek day) {
        return weekly.getOrDefault(day, List.of());
    }

    /**
     * The instants at which the wall clock shows this time: usually one; two in the hour
     * repeated when clocks go back; for a time skipped when clocks go forward, the instant of
     * the jump, which is when the wall clock first passes it.
     */
    private List<Instant> instantsOf(LocalDateTime wallClock) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(wallClock);
        if (offsets.isEmpty()) {
            return List.of(rules.getTransition(wallClock).getInstant());
        }
        return offsets.stream().map(offset -> wallClock.toInstant(offset)).toList();
    }
}
