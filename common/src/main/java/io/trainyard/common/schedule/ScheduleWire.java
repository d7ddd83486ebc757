package io.trainyard.common.schedule;

import com.fasterxml.jackson.core.JacksonException;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The JSON form of a {@link ScheduleDefinition} on {@code trainyard.schedules}, e.g.
 * <pre>{"schemaVersion":1,"tenant":"dev","taskId":"0194…","createdAt":"2026-11-23T12:00:00Z",
 *  "run":{"type":"CODE","projectId":"p1","resourceId":"r1","taskName":"nightly","timeoutSeconds":0},
 *  "rule":{"kind":"cron","expression":"0 2 * * *"},"timeZone":"Europe/Berlin",
 *  "start":"2026-11-23T12:00:00Z","overlap":"SKIP"}</pre>
 * An interval rule is {@code {"kind":"interval","unit":"days","value":2}}, anchored at
 * {@code start}; a one-time start later is {@code {"kind":"once"}}, firing at {@code start}.
 * {@code end} and {@code catchUpWindowMs} are optional; {@code run.pipelineHead} (false when absent)
 * marks the schedule of a recurring pipeline.
 */
record ScheduleWire(int schemaVersion, String tenant, String taskId, String createdAt, RunTemplate run,
                    Rule rule, String timeZone, String start, String end, String overlap, Long catchUpWindowMs) {
    static final int SCHEMA_VERSION = 1;
    static final String CRON = "cron";
    static final String INTERVAL = "interval";
    static final String ONCE = "once";

    record Rule(String kind, String expression, String unit, Long value) {}

    /** Enough for the tenants, projects and resources whose schedules come in together. */
    private static final int SHARED = 4_096;
    /** Tenants, project and resource ids: a few values repeated by many schedules. */
    private static final SharedValues<String, String> NAMES = SharedValues.ofValues(SHARED);
    /**
     * Cron rules by text and zone: many schedules share one ({@code 0 2 * * *} in Europe/Berlin),
     * and a rule parsed once is valid for all of them.
     */
    private static final SharedValues<RuleText, CronSchedule> CRON_RULES = new SharedValues<>(SHARED);

    private record RuleText(String expression, ZoneId zone) {}

    static byte[] encode(ScheduleDefinition d) {
        Rule rule = switch (d.rule()) {
            case CronSchedule cron -> new Rule(CRON, cron.expression(), null, null);
            case IntervalRule interval -> new Rule(INTERVAL, null, interval.unit().wireName(), interval.value());
            case OnceRule once -> new Rule(ONCE, null, null, null);
        };
        return Json.write(new ScheduleWire(SCHEMA_VERSION, d.tenant(), d.taskId(), d.createdAt().toString(), d.run(),
                rule, d.zone().getId(), d.start().toString(), d.end() == null ? null : d.end().toString(),
                d.overlap().name(), d.catchUpWindow() == null ? null : d.catchUpWindow().toMillis()));
    }

    static ScheduleDefinition decode(byte[] json) {
        ScheduleWire wire;
        try {
            wire = Json.MAPPER.readValue(json, ScheduleWire.class);
        } catch (JacksonException e) {
            throw new ScheduleRuleException("record", "not a schedule definition: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ScheduleRuleException("record", "unreadable: " + e.getMessage());
        }
        return wire.toDefinition();
    }

    private ScheduleDefinition toDefinition() {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new ScheduleRuleException("schemaVersion", schemaVersion + " is not supported");
        }
        if (rule == null || run == null) {
            throw ScheduleRuleException.missing(rule == null ? "rule" : "run", "is required");
        }
        ZoneId zone = ScheduleTiming.zone(timeZone, "timeZone");
        Instant startAt = instant(start, "start");
        // A schedule that starts when it is created keeps one Instant for both.
        Instant created = start.equals(createdAt) ? startAt : instant(createdAt, "createdAt");
        FireRule fireRule = switch (String.valueOf(rule.kind())) {
            case CRON -> CRON_RULES.get(new RuleText(rule.expression(), zone),
                    text -> CronSchedule.parse(text.expression(), text.zone()));
            case INTERVAL -> IntervalRule.of(IntervalUnit.parse(rule.unit()),
                    rule.value() == null ? 0 : rule.value(), startAt, zone);
            case ONCE -> OnceRule.at(startAt, zone);
            default -> throw new ScheduleRuleException("rule", "kind '" + rule.kind()
                    + "' is not cron, interval or once");
        };
        return ScheduleDefinition.builder(NAMES.share(tenant), taskId)
                .run(new RunTemplate(run.type(), NAMES.share(run.projectId()), NAMES.share(run.resourceId()),
                        run.taskName(), run.timeoutSeconds(), run.pipelineHead()))
                .timing(new ScheduleTiming(fireRule, startAt, end == null ? null : instant(end, "end")))
                .overlap(OverlapPolicy.parse(overlap))
                .catchUpWindow(catchUpWindowMs == null ? null : Duration.ofMillis(catchUpWindowMs))
                .createdAt(created)
                .build();
    }

    private static Instant instant(String text, String field) {
        if (text == null) {
            throw ScheduleRuleException.missing(field, "is required");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new ScheduleRuleException(field, "'" + text + "' is not an ISO-8601 instant");
        }
    }
}
