package io.trainyard.common.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns cron text into a cron-utils {@link Cron}, and a parse failure into a
 * {@link ScheduleRuleException} that names the cron field at fault. The only place that knows
 * cron-utils' parser.
 */
final class CronSyntax {
    static final String FIELD = "cronExpression";

    private static final Set<String> MACROS = Set.of("@yearly", "@annually", "@monthly", "@weekly",
            "@daily", "@midnight", "@hourly");
    private static final CronParser UNIX = new CronParser(unixWithMacros());
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final Pattern OUT_OF_RANGE = Pattern.compile("Value (\\S+) not in range \\[(\\d+), (\\d+)\\]");
    private static final Pattern BAD_CHARS = Pattern.compile("Invalid chars: (.*)$");
    private static final int DAY_OF_MONTH = 3;
    private static final int DAY_OF_WEEK = 5;

    record Parsed(Cron cron, CronDialect dialect) {}

    private CronSyntax() {}

    static Parsed parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw ScheduleRuleException.missing(FIELD, "is required for a recurring schedule");
        }
        String text = expression.trim();
        if (text.startsWith("@")) {
            String macro = text.toLowerCase(Locale.ROOT);
            if (!MACROS.contains(macro)) {
                throw new ScheduleRuleException(FIELD, "unknown macro '" + text
                        + "'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly");
            }
            return new Parsed(UNIX.parse(macro), CronDialect.MACRO);
        }
        String[] parts = text.split("\\s+");
        return switch (parts.length) {
            case 5 -> new Parsed(parseNaming(UNIX, CronDialect.UNIX, parts), CronDialect.UNIX);
            case 6, 7 -> new Parsed(parseNaming(QUARTZ, CronDialect.QUARTZ, quartzDays(parts)), CronDialect.QUARTZ);
            default -> throw new ScheduleRuleException(FIELD, "has " + parts.length + " fields; expected 5 (Unix: "
                    + "minute hour day-of-month month day-of-week), 6 or 7 (Quartz: second minute hour "
                    + "day-of-month month day-of-week [year]) or a macro such as @daily");
        };
    }

    /**
     * Quartz wants {@code ?} in one of the two day fields. A {@code *} there means the same thing,
     * so it is read as {@code ?}; two real restrictions are refused.
     */
    private static String[] quartzDays(String[] parts) {
        String[] out = parts.clone();
        if (!out[DAY_OF_MONTH].equals("?") && !out[DAY_OF_WEEK].equals("?")) {
            if (out[DAY_OF_WEEK].equals("*")) {
                out[DAY_OF_WEEK] = "?";
            } else if (out[DAY_OF_MONTH].equals("*")) {
                out[DAY_OF_MONTH] = "?";
            } else {
                throw new ScheduleRuleException(FIELD, "the day-of-month field '" + parts[DAY_OF_MONTH]
                        + "' and the day-of-week field '" + parts[DAY_OF_WEEK]
                        + "' are both set; Quartz needs ? in one of them");
            }
        }
        return out;
    }

    private static Cron parseNaming(CronParser parser, CronDialect dialect, String[] parts) {
        try {
            return parser.parse(String.join(" ", parts));
        } catch (IllegalArgumentException whole) {
            // Find the first field that fails on its own: the others are replaced by "any".
            for (int i = 0; i < parts.length; i++) {
                try {
                    parser.parse(String.join(" ", prefix(dialect, parts, i)));
                } catch (IllegalArgumentException e) {
                    throw new ScheduleRuleException(FIELD, "the " + dialect.fieldNames().get(i) + " field '"
                            + parts[i] + "' is invalid: " + reason(e));
                }
            }
            throw new ScheduleRuleException(FIELD, reason(whole));
        }
    }

    private static String[] prefix(CronDialect dialect, String[] parts, int last) {
        String[] out = Arrays.copyOf(parts, dialect == CronDialect.QUARTZ ? Math.min(parts.length, Math.max(last + 1, 6)) : parts.length);
        for (int i = last + 1; i < out.length; i++) {
            out[i] = "*";
        }
        if (dialect == CronDialect.QUARTZ && last < DAY_OF_WEEK) {
            boolean monthDaySet = last >= DAY_OF_MONTH && !out[DAY_OF_MONTH].equals("?");
            out[DAY_OF_WEEK] = monthDaySet ? "?" : "*";
            if (!monthDaySet) {
                out[DAY_OF_MONTH] = "?";
            }
        }
        return out;
    }

    private static String reason(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage()).replace("Failed to parse cron expression. ", "").trim();
        Matcher range = OUT_OF_RANGE.matcher(message);
        if (range.find()) {
            return range.group(1) + " is outside " + range.group(2) + "-" + range.group(3);
        }
        Matcher chars = BAD_CHARS.matcher(message);
        if (chars.find()) {
            return "unexpected characters '" + chars.group(1).trim() + "'";
        }
        return message;
    }

    private static CronDefinition unixWithMacros() {
        return CronDefinitionBuilder.defineCron()
                .withMinutes().withStrictRange().and()
                .withHours().withStrictRange().and()
                .withDayOfMonth().withStrictRange().and()
                .withMonth().withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                .withSupportedNicknameYearly().withSupportedNicknameAnnually()
                .withSupportedNicknameMonthly().withSupportedNicknameWeekly()
                .withSupportedNicknameDaily().withSupportedNicknameMidnight()
                .withSupportedNicknameHourly()
                .instance();
    }
}
