package io.trainyard.common.schedule;

import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The step of an {@link IntervalRule}, as Chorus names it in {@code interval_unit}. */
public enum IntervalUnit {
    /** Elapsed hours: daylight saving time never shifts an hourly rhythm. */
    HOURS(ChronoUnit.HOURS),
    /** Calendar days at the same wall-clock time. */
    DAYS(ChronoUnit.DAYS),
    WEEKS(ChronoUnit.WEEKS),
    /** Calendar months from the first fire; a day the month lacks becomes its last day. */
    MONTHS(ChronoUnit.MONTHS);

    public static final String FIELD = "interval_unit";

    private final ChronoUnit chronoUnit;

    IntervalUnit(ChronoUnit chronoUnit) {
        this.chronoUnit = chronoUnit;
    }

    ChronoUnit chronoUnit() {
        return chronoUnit;
    }

    /** Chorus's spelling: hours, days, weeks, months (any case). */
    public static IntervalUnit parse(String text) {
        if (text == null || text.isBlank()) {
            throw ScheduleRuleException.missing(FIELD, "is required: hours, days, weeks or months");
        }
        String name = text.trim().toUpperCase(Locale.ROOT);
        if (name.equals("ON_DEMAND")) {
            throw new ScheduleRuleException(FIELD, "on_demand has no schedule; run the job on demand instead");
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new ScheduleRuleException(FIELD, "'" + text + "' is not one of hours, days, weeks, months");
        }
    }

    /** The spelling {@link #parse} reads. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
