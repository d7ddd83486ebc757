package io.trainyard.ingress;

import io.trainyard.common.schedule.CronSchedule;
import io.trainyard.common.schedule.DstPolicy;
import io.trainyard.common.schedule.IntervalRule;
import io.trainyard.common.schedule.IntervalUnit;
import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.schedule.ScheduleTiming;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The validation entry points for schedules as the APIs receive them. Each turns request fields
 * into a {@link ScheduleTiming} or throws a {@link ScheduleRuleException} naming the request
 * field (in that API's spelling) and what is wrong, before anything is stored.
 */
public final class ScheduleRequest {
    public static final String RECURRENCE = "recurrence";
    public static final String CRON_EXPRESSION = CronSchedule.FIELD;
    public static final String TIME_ZONE = "timeZone";
    public static final String START_DATE = "startDate";
    public static final String END_DATE = "endDate";
    public static final String INTERVAL_UNIT = IntervalUnit.FIELD;
    public static final String INTERVAL_VALUE = IntervalRule.VALUE_FIELD;
    public static final String NEXT_RUN = "next_run";
    public static final String END_RUN = "end_run";
    public static final String CHORUS_TIME_ZONE = "time_zone";

    /** A Chorus {@code next_run} this close to now is taken as "now", not as the past. */
    public static final Duration NEXT_RUN_GRACE = Duration.ofMinutes(1);

    private static final Pattern SPACE_SEPARATED = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d.*");

    private ScheduleRequest() {}

    /**
     * MLW {@code execute} / {@code workflow} and maiascore trainings: {@code recurrence} ONE_TIME
     * or REPEAT with a {@code cronExpression} (mandatory for REPEAT, empty for ONE_TIME), an
     * optional IANA {@code timeZone} (default UTC), {@code startDate} (ISO-8601 date, local
     * date-time in the zone, or instant; default now) and {@code endDate}.
     *
     * @return empty for ONE_TIME (its time zone and dates are still checked), the timing for REPEAT
     */
    public static Optional<ScheduleTiming> recurrence(String recurrence, String cronExpression, String timeZone,
                                                      String startDate, String endDate, Instant now) {
        boolean repeat;
        if ("REPEAT".equalsIgnoreCase(trim(recurrence))) {
            repeat = true;
        } else if ("ONE_TIME".equalsIgnoreCase(trim(recurrence))) {
            repeat = false;
        } else {
            throw recurrence == null || recurrence.isBlank()
                    ? ScheduleRuleException.missing(RECURRENCE, "is required: ONE_TIME or REPEAT")
                    : new ScheduleRuleException(RECURRENCE, "'" + recurrence + "' is not ONE_TIME or REPEAT");
        }
        ZoneId zone = zone(timeZone, TIME_ZONE);
        Instant start = blank(startDate) ? now : dateTime(startDate, zone, START_DATE);
        Instant end = blank(endDate) ? null : dateTime(endDate, zone, END_DATE);
        if (!repeat) {
            if (!blank(cronExpression)) {
                throw new ScheduleRuleException(CRON_EXPRESSION, "must be empty for a ONE_TIME task");
            }
            return Optional.empty();
        }
        if (blank(cronExpression)) {
            throw ScheduleRuleException.missing(CRON_EXPRESSION, "is required for a REPEAT task");
        }
        CronSchedule rule = CronSchedule.parse(cronExpression, zone);
        if (end != null && !end.isAfter(start)) {
            throw new ScheduleRuleException(END_DATE, blank(startDate) ? "is not in the future" : "is not after " + START_DATE);
        }
        return Optional.of(firesAtLeastOnce(new ScheduleTiming(rule, start, end), now,
                end == null ? CRON_EXPRESSION : END_DATE));
    }

    /**
     * Chorus jobs: {@code interval_unit} (hours, days, weeks, months) and a positive
     * {@code interval_value}, the first fire {@code next_run} (not in the past), an optional
     * {@code end_run} and an IANA {@code time_zone} (default UTC) for dates without an offset and
     * for calendar steps.
     */
    public static ScheduleTiming interval(String intervalUnit, String intervalValue, String nextRun, String endRun,
                                          String timeZone, Instant now) {
        IntervalUnit unit = IntervalUnit.parse(intervalUnit);
        long value = positive(intervalValue);
        ZoneId zone = zone(timeZone, CHORUS_TIME_ZONE);
        if (blank(nextRun)) {
            throw ScheduleRuleException.missing(NEXT_RUN, "is required");
        }
        Instant first = dateTime(nextRun, zone, NEXT_RUN);
        if (first.isBefore(now.minus(NEXT_RUN_GRACE))) {
            throw new ScheduleRuleException(NEXT_RUN, "is in the past");
        }
        Instant end = blank(endRun) ? null : dateTime(endRun, zone, END_RUN);
        if (end != null && !end.isAfter(first)) {
            throw new ScheduleRuleException(END_RUN, "is not after " + NEXT_RUN);
        }
        return new ScheduleTiming(IntervalRule.of(unit, value, first, zone), first, end);
    }

    /** An IANA zone id (or a fixed offset such as +02:00); null or blank is UTC. */
    public static ZoneId zone(String text, String field) {
        return ScheduleTiming.zone(text, field);
    }

    /**
     * An ISO-8601 instant or offset date-time as given; a local date-time or a date (its start)
     * in {@code zone}, mapped through {@link DstPolicy}. A space may stand for the {@code T}.
     */
    public static Instant dateTime(String text, ZoneId zone, String field) {
        String iso = text.trim();
        if (SPACE_SEPARATED.matcher(iso).matches()) {
            iso = iso.replaceFirst(" ", "T");
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeException ignored) {
            // not an offset date-time; try the local forms
        }
        try {
            return ZonedDateTime.parse(iso).toInstant();
        } catch (DateTimeException ignored) {
            // no zone id either
        }
        try {
            return DstPolicy.firstInstant(LocalDateTime.parse(iso), zone);
        } catch (DateTimeException ignored) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(iso).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw new ScheduleRuleException(field, "'" + text + "' is not an ISO-8601 date or date-time");
        }
    }

    private static ScheduleTiming firesAtLeastOnce(ScheduleTiming timing, Instant now, String field) {
        Instant from = timing.start().isAfter(now) ? timing.start().minusNanos(1) : now;
        if (timing.nextFireAfter(from).isEmpty()) {
            throw new ScheduleRuleException(field, field.equals(END_DATE)
                    ? "leaves no fire time between " + START_DATE + " and " + END_DATE
                    : "never fires after " + from.plusNanos(1).toString());
        }
        return timing;
    }

    private static long positive(String text) {
        if (blank(text)) {
            throw ScheduleRuleException.missing(INTERVAL_VALUE, "is required: a positive whole number");
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ScheduleRuleException(INTERVAL_VALUE, "'" + text + "' is not a whole number");
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static String trim(String text) {
        return text == null ? null : text.trim();
    }
}
