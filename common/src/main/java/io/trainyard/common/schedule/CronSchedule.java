package io.trainyard.common.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.field.expression.Every;
import com.cronutils.model.field.expression.FieldExpression;
import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron rule read on the wall clock of one IANA time zone. The dialect follows from the shape:
 * 5 fields are Unix crontab, 6 or 7 are Quartz (seconds first, optional year; a {@code *} in one
 * of the day fields counts as Quartz's {@code ?}), and {@code @yearly @annually @monthly @weekly
 * @daily @midnight @hourly} are the usual macros. Daylight-saving gaps and repeats follow
 * {@link DstPolicy}. cron-utils does the parsing and the calendar arithmetic and stays behind
 * this type. A rule keeps only its text; the parsed form is shared through {@link CronExecutions},
 * so many schedules cost little memory each.
 */
public final class CronSchedule implements FireRule {
    /** The request field a cron expression comes in, named in parse errors. */
    public static final String FIELD = CronSyntax.FIELD;

    /** Enough for the distinct texts a scheduler fires within a few seconds. */
    private static final CronExecutions EXECUTIONS = new CronExecutions(4_096);

    private final String expression;
    private final CronDialect dialect;
    private final ZoneId zone;
    private final boolean everyHour;

    private CronSchedule(String expression, CronSyntax.Parsed parsed, ZoneId zone) {
        this.expression = expression;
        this.dialect = parsed.dialect();
        this.zone = zone;
        this.everyHour = firesEveryHour(parsed.cron());
        EXECUTIONS.remember(expression, text -> ExecutionTime.forCron(parsed.cron()));
    }

    /**
     * Parses {@code expression} for {@code zone}; a bad expression fails here with a
     * {@link ScheduleRuleException} on field {@code cronExpression} naming the cron field at fault.
     */
    public static CronSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        CronSyntax.Parsed parsed = CronSyntax.parse(expression);
        return new CronSchedule(expression.trim(), parsed, zone);
    }

    public String expression() {
        return expression;
    }

    public CronDialect dialect() {
        return dialect;
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public Optional<Instant> nextFireAfter(Instant after) {
        LocalDateTime cursor = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.SECONDS);
        Instant found = null;
        // A wall-clock match maps to an instant not after `after` only inside a repeated hour that
        // `after` is in the second pass of; a couple of steps always get past it.
        for (int step = 0; step < 4 && found == null; step++) {
            Optional<LocalDateTime> match = nextLocal(cursor);
            if (match.isEmpty()) {
                break;
            }
            LocalDateTime local = match.get();
            Instant first = DstPolicy.firstInstant(local, zone);
            if (first.isAfter(after)) {
                found = first;
            } else if (everyHour) {
                found = DstPolicy.secondPass(local, zone).filter(i -> i.isAfter(after)).orElse(null);
                cursor = local;
            } else {
                ZoneOffsetTransition repeat = zone.getRules().getTransition(local);
                cursor = repeat != null ? repeat.getDateTimeBefore().minusSeconds(1) : local;
            }
        }
        if (everyHour) {
            found = earliest(found, secondPassAhead(after));
        }
        return Optional.ofNullable(found);
    }

    /**
     * While {@code after} is in the first pass of a repeated hour, the second pass still lies
     * ahead: its first match can come before any later wall-clock match.
     */
    private Instant secondPassAhead(Instant after) {
        ZoneOffsetTransition next = zone.getRules().nextTransition(after);
        if (next == null || next.isGap()
                || LocalDateTime.ofInstant(after, zone).isBefore(next.getDateTimeAfter())) {
            return null;
        }
        return nextLocal(next.getDateTimeAfter().minusSeconds(1))
                .filter(local -> local.isBefore(next.getDateTimeBefore()))
                .map(local -> local.toInstant(next.getOffsetAfter()))
                .orElse(null);
    }

    private Optional<LocalDateTime> nextLocal(LocalDateTime after) {
        // cron-utils is handed the wall-clock time as if it were UTC, so it never applies DST
        // rules of its own; DstPolicy maps the result.
        return EXECUTIONS.next(expression, after, CronSchedule::execution);
    }

    /** Parses again a text that was valid when its rule was made (so it still is). */
    private static ExecutionTime execution(String text) {
        return ExecutionTime.forCron(CronSyntax.parse(text).cron());
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private static boolean firesEveryHour(Cron cron) {
        FieldExpression hour = cron.retrieve(CronFieldName.HOUR).getExpression();
        return hour instanceof Always || hour instanceof Every;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule other && expression.equals(other.expression) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, zone);
    }

    @Override
    public String toString() {
        return "cron '" + expression + "' in " + zone;
    }
}
