package io.trainyard.common.schedule;

import java.util.List;

/** The cron dialects a {@link CronSchedule} accepts, told apart by the expression's shape. */
enum CronDialect {
    /** Unix crontab, 5 fields; day-of-week 0-7, 0 and 7 are Sunday. */
    UNIX(List.of("minute", "hour", "day-of-month", "month", "day-of-week")),
    /** Quartz, 6 or 7 fields with seconds first and an optional year; day-of-week 1-7, 1 is Sunday. */
    QUARTZ(List.of("second", "minute", "hour", "day-of-month", "month", "day-of-week", "year")),
    /** {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight}, {@code @hourly}. */
    MACRO(List.of());

    private final List<String> fieldNames;

    CronDialect(List<String> fieldNames) {
        this.fieldNames = fieldNames;
    }

    /** Names of the expression's fields, in order, for error messages. */
    public List<String> fieldNames() {
        return fieldNames;
    }
}
