package io.switchboard.routing;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkingHoursTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** The instant a wall clock in the zone shows this time (the earlier one when it shows it twice). */
    static Instant at(String wallClock, ZoneId zone) {
        return LocalDateTime.parse(wallClock).atZone(zone).toInstant();
    }

    static Map<DayOfWeek, List<TimeRange>> schedule(DayOfWeek day, String... ranges) {
        Map<DayOfWeek, List<TimeRange>> weekly = new EnumMap<>(DayOfWeek.class);
        weekly.put(day, Arrays.stream(ranges).map(TimeRange::parse).toList());
        return weekly;
    }

    static Map<DayOfWeek, List<TimeRange>> everyDay(String... ranges) {
        Map<DayOfWeek, List<TimeRange>> weekly = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            weekly.put(day, Arrays.stream(ranges).map(TimeRange::parse).toList());
        }
        return weekly;
    }

    static Map<DayOfWeek, List<TimeRange>> weekdays(String... ranges) {
        Map<DayOfWeek, List<TimeRange>> weekly = everyDay(ranges);
        weekly.remove(SATURDAY);
        weekly.remove(SUNDAY);
        return weekly;
    }

    @Nested
    class WithinADay {

        // 2025-12-22 is a Monday.
        final WorkingHours hours = WorkingHours.weekly(SHANGHAI, schedule(MONDAY, "09:00-12:00", "14:00-18:00"), Set.of());

        @Test
        void aRangeOpensAtItsStartAndClosesAtItsEnd() {
            assertThat(hours.isOpen(at("2025-12-22T08:59:59", SHANGHAI))).isFalse();
            assertThat(hours.isOpen(at("2025-12-22T09:00", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-22T17:59:59", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-22T18:00", SHANGHAI))).isFalse();
        }

        @Test
        void theGapBetweenTwoRangesIsClosed() {
            assertThat(hours.isOpen(at("2025-12-22T12:30", SHANGHAI))).isFalse();
        }

        @Test
        void daysWithoutRangesAreClosed() {
            assertThat(hours.isOpen(at("2025-12-23T10:00", SHANGHAI))).isFalse();
        }

        @Test
        void nextOpeningIsNowWhenOpen() {
            Instant now = at("2025-12-22T10:00", SHANGHAI);
            assertThat(hours.nextOpening(now)).contains(now);
        }

        @Test
        void nextOpeningIsTheNextRangeTheSameDay() {
            assertThat(hours.nextOpening(at("2025-12-22T12:30", SHANGHAI))).contains(at("2025-12-22T14:00", SHANGHAI));
        }

        @Test
        void nextOpeningAfterTheLastRangeIsTheSameDayNextWeek() {
            assertThat(hours.nextOpening(at("2025-12-22T18:00", SHANGHAI))).contains(at("2025-12-29T09:00", SHANGHAI));
        }

        @Test
        void nextOpeningTakesTheEarliestRangeWhateverOrderTheyWereEnteredIn() {
            var reversed = WorkingHours.weekly(SHANGHAI, schedule(MONDAY, "14:00-18:00", "09:00-12:00"), Set.of());
            assertThat(reversed.nextOpening(at("2025-12-22T07:00", SHANGHAI))).contains(at("2025-12-22T09:00", SHANGHAI));
        }

        @Test
        void overlappingRangesAreOpenForTheirUnion() {
            var overlapping = WorkingHours.weekly(SHANGHAI, schedule(MONDAY, "09:00-13:00", "12:00-15:00"), Set.of());
            assertThat(overlapping.isOpen(at("2025-12-22T14:30", SHANGHAI))).isTrue();
            assertThat(overlapping.isOpen(at("2025-12-22T15:00", SHANGHAI))).isFalse();
        }
    }

    @Nested
    class AroundMidnight {

        @Test
        void aRangeToMidnightClosesAtMidnightAndTheNextDayStartsClosed() {
            var hours = WorkingHours.weekly(SHANGHAI, schedule(MONDAY, "18:00-24:00"), Set.of());
            assertThat(hours.isOpen(at("2025-12-22T23:59:59.999", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-23T00:00", SHANGHAI))).isFalse();
        }

        @Test
        void aRangeFromMidnightIsOpenAtMidnightItself() {
            var hours = WorkingHours.weekly(SHANGHAI, schedule(MONDAY, "00:00-06:00"), Set.of());
            assertThat(hours.isOpen(at("2025-12-22T00:00", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-21T23:59:59", SHANGHAI))).isFalse();
            assertThat(hours.nextOpening(at("2025-12-21T20:00", SHANGHAI))).contains(at("2025-12-22T00:00", SHANGHAI));
        }

        @Test
        void midnightToMidnightIsTheWholeDayAndNoMore() {
            var hours = WorkingHours.weekly(SHANGHAI, schedule(MONDAY, "00:00-00:00"), Set.of());
            assertThat(hours.isOpen(at("2025-12-22T00:00", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-22T23:59:59", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-23T00:00", SHANGHAI))).isFalse();
        }

        @Test
        void aNightRangeContinuesIntoTheNextMorningEvenIfThatDayHasNoHours() {
            // 2025-12-26 is a Friday; Saturday has no ranges of its own.
            var hours = WorkingHours.weekly(SHANGHAI, schedule(FRIDAY, "22:00-02:00"), Set.of());
            assertThat(hours.isOpen(at("2025-12-26T21:59", SHANGHAI))).isFalse();
            assertThat(hours.isOpen(at("2025-12-26T23:00", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-27T00:00", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-27T01:59:59", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-27T02:00", SHANGHAI))).isFalse();
            assertThat(hours.isOpen(at("2025-12-27T23:00", SHANGHAI))).isFalse();
        }

        @Test
        void aSundayNightRangeRunsIntoMondayAcrossTheWeekBoundary() {
            var hours = WorkingHours.weekly(SHANGHAI, schedule(SUNDAY, "22:00-02:00"), Set.of());
            assertThat(hours.isOpen(at("2025-12-22T01:00", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-22T03:00", SHANGHAI))).isFalse();
        }

        @Test
        void aRangeWithEqualStartAndEndLastsTwentyFourHours() {
            var hours = WorkingHours.weekly(SHANGHAI, schedule(MONDAY, "09:00-09:00"), Set.of());
            assertThat(hours.isOpen(at("2025-12-23T08:59", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-23T09:00", SHANGHAI))).isFalse();
        }
    }

    @Nested
    class Holidays {

        // Friday 2025-12-26 and Saturday 2025-12-27.
        final LocalDate friday = LocalDate.parse("2025-12-26");
        final LocalDate saturday = LocalDate.parse("2025-12-27");

        @Test
        void aHolidayIsClosedAllDayThoughItsWeekdayHasHours() {
            var hours = WorkingHours.weekly(SHANGHAI, weekdays("09:00-18:00"), Set.of(friday));
            assertThat(hours.isOpen(at("2025-12-26T10:00", SHANGHAI))).isFalse();
            assertThat(hours.isOpen(at("2025-12-25T10:00", SHANGHAI))).isTrue();
        }

        @Test
        void aNightRangeRunningIntoAHolidayClosesAtMidnight() {
            var hours = WorkingHours.weekly(SHANGHAI, schedule(FRIDAY, "22:00-02:00"), Set.of(saturday));
            assertThat(hours.isOpen(at("2025-12-26T23:59:59", SHANGHAI))).isTrue();
            assertThat(hours.isOpen(at("2025-12-27T00:00", SHANGHAI))).isFalse();
            assertThat(hours.isOpen(at("2025-12-27T01:00", SHANGHAI))).isFalse();
        }

        @Test
        void aHolidaysOwnNightRangeDoesNotOpenNotEvenAfterMidnight() {
            var hours = WorkingHours.weekly(SHANGHAI, schedule(FRIDAY, "22:00-02:00"), Set.of(friday));
            assertThat(hours.isOpen(at("2025-12-26T23:00", SHANGHAI))).isFalse();
            assertThat(hours.isOpen(at("2025-12-27T01:00", SHANGHAI))).isFalse();
        }

        @Test
        void nextOpeningSkipsHolidays() {
            var hours = WorkingHours.weekly(SHANGHAI, weekdays("09:00-18:00"),
                    Set.of(LocalDate.parse("2025-12-25"), friday));
            assertThat(hours.nextOpening(at("2025-12-24T19:00", SHANGHAI))).contains(at("2025-12-29T09:00", SHANGHAI));
        }

        @Test
        void nextOpeningFromTheClosedTailOfANightRangeIsTheNextRangeAfterTheHoliday() {
            var hours = WorkingHours.weekly(SHANGHAI, everyDay("22:00-02:00"), Set.of(saturday));
            assertThat(hours.nextOpening(at("2025-12-27T00:30", SHANGHAI))).contains(at("2025-12-28T22:00", SHANGHAI));
        }

        @Test
        void holidayDatesAreReadInTheGroupsZoneNotInUtc() {
            // 01:00 on 1 October in Shanghai is still 30 September in UTC.
            var hours = WorkingHours.weekly(SHANGHAI, everyDay("00:00-00:00"), Set.of(LocalDate.parse("2025-10-01")));
            Instant instant = Instant.parse("2025-09-30T17:00:00Z");
            assertThat(hours.isOpen(instant)).isFalse();
            assertThat(hours.isOpen(Instant.parse("2025-09-30T15:59:59Z"))).isTrue();
            assertThat(hours.nextOpening(instant)).contains(Instant.parse("2025-10-01T16:00:00Z"));
        }

        @Test
        void holidaysCoveringTheWholeHorizonMeanNoOpeningIsKnown() {
            LocalDate start = LocalDate.parse("2025-12-22");
            Set<LocalDate> all = new HashSet<>();
            for (int i = 0; i <= WorkingHours.HORIZON_DAYS + 1; i++) {
                all.add(start.plusDays(i));
            }
            var hours = WorkingHours.weekly(SHANGHAI, weekdays("09:00-18:00"), all);
            assertThat(hours.nextOpening(at("2025-12-22T10:00", SHANGHAI))).isEmpty();
        }
    }

    @Nested
    class AlwaysAndNever {

        @Test
        void anEmptyScheduleIsAlwaysClosedAndNeverOpens() {
            var hours = WorkingHours.weekly(SHANGHAI, Map.of(), Set.of());
            assertThat(hours.isOpen(at("2025-12-22T10:00", SHANGHAI))).isFalse();
            assertThat(hours.nextOpening(at("2025-12-22T10:00", SHANGHAI))).isEmpty();
        }

        @Test
        void aDayWithAnEmptyRangeListIsClosed() {
            var hours = WorkingHours.weekly(SHANGHAI, Map.of(MONDAY, List.of()), Set.of());
            assertThat(hours.isOpen(at("2025-12-22T10:00", SHANGHAI))).isFalse();
        }

        @Test
        void alwaysOpenIsOpenAtAnyInstantHolidaysIncluded() {
            var hours = new WorkingHours(SHANGHAI, Map.of(), Set.of(LocalDate.parse("2025-12-25")), true);
            Instant christmas = at("2025-12-25T03:00", SHANGHAI);
            assertThat(hours.isOpen(christmas)).isTrue();
            assertThat(hours.nextOpening(christmas)).contains(christmas);
            assertThat(WorkingHours.alwaysOpen(NEW_YORK).isOpen(Instant.EPOCH)).isTrue();
        }
    }

    @Nested
    class TimeZones {

        // 02:00 UTC on Monday 2 June 2025 is 10:00 Monday in Shanghai and 22:00 Sunday in New York.
        final Instant instant = Instant.parse("2025-06-02T02:00:00Z");

        @Test
        void theSameInstantIsOpenInShanghaiAndClosedInNewYork() {
            assertThat(WorkingHours.weekly(SHANGHAI, weekdays("09:00-18:00"), Set.of()).isOpen(instant)).isTrue();
            assertThat(WorkingHours.weekly(NEW_YORK, weekdays("09:00-18:00"), Set.of()).isOpen(instant)).isFalse();
        }

        @Test
        void nextOpeningIsNineInTheMorningInTheGroupsOwnZone() {
            var newYork = WorkingHours.weekly(NEW_YORK, weekdays("09:00-18:00"), Set.of());
            assertThat(newYork.nextOpening(instant)).contains(Instant.parse("2025-06-02T13:00:00Z"));
        }
    }

    @Nested
    class DaylightSaving {

        // Berlin, Sunday 30 March 2025: at 02:00 CET (01:00 UTC) clocks jump to 03:00 CEST.
        // Berlin, Sunday 26 October 2025: at 03:00 CEST (01:00 UTC) clocks go back to 02:00 CET.

        @Test
        void aRangeEndingInTheSkippedHourClosesWhenTheClocksJump() {
            var hours = WorkingHours.weekly(BERLIN, schedule(SUNDAY, "01:00-02:30"), Set.of());
            assertThat(hours.isOpen(Instant.parse("2025-03-30T00:59:59Z"))).isTrue();
            assertThat(hours.isOpen(Instant.parse("2025-03-30T01:00:00Z"))).isFalse();
        }

        @Test
        void aRangeStartingInTheSkippedHourOpensWhenTheClocksJump() {
            var hours = WorkingHours.weekly(BERLIN, schedule(SUNDAY, "02:30-06:00"), Set.of());
            assertThat(hours.isOpen(Instant.parse("2025-03-30T00:59:59Z"))).isFalse();
            assertThat(hours.isOpen(Instant.parse("2025-03-30T01:00:00Z"))).isTrue();
            assertThat(hours.nextOpening(Instant.parse("2025-03-30T00:00:00Z"))).contains(Instant.parse("2025-03-30T01:00:00Z"));
        }

        @Test
        void aRangeEntirelyInsideTheSkippedHourDoesNotOpenThatNight() {
            var hours = WorkingHours.weekly(BERLIN, schedule(SUNDAY, "02:15-02:45"), Set.of());
            assertThat(hours.nextOpening(Instant.parse("2025-03-29T12:00:00Z")))
                    .contains(at("2025-04-06T02:15", BERLIN));
        }

        @Test
        void nineOClockIsNineOClockOnBothSidesOfTheChange() {
            var hours = WorkingHours.weekly(BERLIN, everyDay("09:00-17:00"), Set.of());
            assertThat(hours.nextOpening(Instant.parse("2025-03-29T17:00:00Z"))).contains(Instant.parse("2025-03-30T07:00:00Z"));
            assertThat(hours.isOpen(Instant.parse("2025-03-29T08:00:00Z"))).isTrue();
            assertThat(hours.isOpen(Instant.parse("2025-03-30T07:00:00Z"))).isTrue();
            assertThat(hours.isOpen(Instant.parse("2025-03-30T06:59:59Z"))).isFalse();
        }

        @Test
        void aNightRangeAcrossTheChangeEndsAtItsWallClockTime() {
            var hours = WorkingHours.weekly(BERLIN, schedule(SATURDAY, "22:00-06:00"), Set.of());
            assertThat(hours.isOpen(Instant.parse("2025-03-30T03:59:59Z"))).isTrue();
            assertThat(hours.isOpen(Instant.parse("2025-03-30T04:00:00Z"))).isFalse();
        }

        @Test
        void theRepeatedHourFollowsTheScheduleBothTimes() {
            var hours = WorkingHours.weekly(BERLIN, schedule(SUNDAY, "02:00-02:30"), Set.of());
            assertThat(hours.isOpen(Instant.parse("2025-10-26T00:15:00Z"))).as("02:15 CEST").isTrue();
            assertThat(hours.isOpen(Instant.parse("2025-10-26T00:45:00Z"))).as("02:45 CEST").isFalse();
            assertThat(hours.isOpen(Instant.parse("2025-10-26T01:15:00Z"))).as("02:15 CET").isTrue();
        }

        @Test
        void nextOpeningFindsTheSecondPassOfTheRepeatedHour() {
            var hours = WorkingHours.weekly(BERLIN, schedule(SUNDAY, "02:00-02:30"), Set.of());
            assertThat(hours.nextOpening(Instant.parse("2025-10-26T00:45:00Z"))).contains(Instant.parse("2025-10-26T01:00:00Z"));
        }
    }

    @Nested
    class Ranges {

        @Test
        void parsesWhatAdminsType() {
            assertThat(TimeRange.parse("09:00-18:00").toString()).isEqualTo("09:00-18:00");
            assertThat(TimeRange.parse(" 22:00 - 02:00 ").crossesMidnight()).isTrue();
            assertThat(TimeRange.parse("18:00-24:00").toString()).isEqualTo("18:00-24:00");
            assertThat(TimeRange.parse("00:00-00:00").crossesMidnight()).isTrue();
            assertThat(TimeRange.parse("09:00-18:00").crossesMidnight()).isFalse();
        }

        @Test
        void refusesWhatIsNotARange() {
            for (String bad : new String[] {"", "09:00", "9-18", "09:00-25:00", "09:00-18:00-20:00", null}) {
                assertThatIllegalArgumentException().as(String.valueOf(bad)).isThrownBy(() -> TimeRange.parse(bad));
            }
        }

        @Test
        void theScheduleIsCopiedSoLaterChangesToTheInputDoNotLeakIn() {
            Map<DayOfWeek, List<TimeRange>> weekly = schedule(WEDNESDAY, "09:00-18:00");
            var hours = WorkingHours.weekly(SHANGHAI, weekly, Set.of());
            weekly.clear();
            assertThat(hours.isOpen(at("2025-12-24T10:00", SHANGHAI))).isTrue();
        }
    }
}
