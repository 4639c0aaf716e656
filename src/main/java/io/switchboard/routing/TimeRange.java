package io.switchboard.routing;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * One stretch of opening time on a day, in wall-clock time: from {@code start} (inclusive) to
 * {@code end} (exclusive). An end at or before the start means the stretch runs past midnight
 * into the next day, so night shifts such as 22:00-02:00 are one range; equal start and end
 * mean a full 24 hours from the start, so 00:00-00:00 is the whole day. "24:00" is accepted as
 * an end and means midnight.
 */
public record TimeRange(LocalTime start, LocalTime end) {

    public TimeRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    /** Parses "HH:mm-HH:mm", the form admins type. */
    public static TimeRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a time range looks like 09:00-18:00, was '" + text + "'");
        }
        try {
            LocalTime start = LocalTime.parse(parts[0].trim());
            String end = parts[1].trim();
            return new TimeRange(start, end.equals("24:00") ? LocalTime.MIDNIGHT : LocalTime.parse(end));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a time range looks like 09:00-18:00, was '" + text + "'", e);
        }
    }

    /** True when part of the range falls on the next day. */
    public boolean crossesMidnight() {
        return !end.isAfter(start);
    }

    /** Is the wall-clock time inside the part of the range on the day it starts? */
    boolean coversOnStartDay(LocalTime time) {
        return !time.isBefore(start) && (crossesMidnight() || time.isBefore(end));
    }

    /** Is the wall-clock time inside the part of the range that spills into the next day? */
    boolean coversOnNextDay(LocalTime time) {
        return crossesMidnight() && time.isBefore(end);
    }

    @Override
    public String toString() {
        return start + "-" + (end.equals(LocalTime.MIDNIGHT) && !start.equals(LocalTime.MIDNIGHT) ? "24:00" : end.toString());
    }
}
