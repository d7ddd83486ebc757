package io.trainyard.ingress.internal.schedule;

import io.trainyard.common.ops.EventLine;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.Schedule;
import io.trainyard.ingress.ScheduleRequest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * A tenant's recurring tasks as schedules (read from their task hashes, newest first, at most
 * {@link #MAX_LISTED}), and their pause and resume: a paused task's fires are skipped by the
 * scheduler, each counted, so a resume goes on from the next fire, without a burst.
 */
public final class Schedules {
    public static final int MAX_LISTED = 2_000;
    private static final LuaScript PAUSE = LuaScript.load("schedule_pause");
    private static final String[] FIELDS = {"id", "name", "type", "recurrence", "cronExpression", "timeZone",
        "intervalUnit", "intervalValue", "overlap", "lastFireAt", "pausedAt", "pausedFires", "skippedFires",
        "startDate"};

    /** What a pause or resume found. */
    public enum Change { CHANGED, ALREADY, NO_TASK, NOT_RECURRING }

    private final UnifiedJedis redis;
    private final InstantSource clock;
    private final Consumer<EventLine> events;

    public Schedules(UnifiedJedis redis, InstantSource clock, Consumer<EventLine> events) {
        this.redis = redis;
        this.clock = clock;
        this.events = events;
    }

    public List<Schedule> list(String tenant) {
        TenantKeys keys = new TenantKeys(tenant);
        List<String> ids = redis.zrevrange(keys.tasks(), 0, MAX_LISTED - 1);
        List<Response<List<String>>> tasks = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            ids.forEach(id -> tasks.add(p.hmget(keys.task(id), FIELDS)));
            p.sync();
        }
        Instant now = clock.instant();
        List<Schedule> schedules = new ArrayList<>();
        for (Response<List<String>> response : tasks) {
            List<String> t = response.get();
            if (t.get(0) != null && "REPEAT".equals(t.get(3))) {
                schedules.add(schedule(t, now));
            }
        }
        return schedules;
    }

    private static Schedule schedule(List<String> t, Instant now) {
        String cron = text(t.get(4));
        String zone = text(t.get(5)).isEmpty() ? "UTC" : t.get(5);
        String rule = !cron.isEmpty() ? cron
                : text(t.get(6)).isEmpty() ? "" : "every " + text(t.get(7)) + " " + text(t.get(6)).toLowerCase();
        boolean paused = t.get(10) != null;
        return new Schedule(t.get(0), text(t.get(1)), text(t.get(2)), rule, zone,
                text(t.get(8)).isEmpty() ? OverlapPolicy.DEFAULT.name() : t.get(8), text(t.get(9)),
                paused || cron.isEmpty() ? "" : next(cron, zone, t.get(9), now), paused, text(t.get(10)),
                number(t.get(11)), number(t.get(12)));
    }

    /** The next fire after now (and after the last fire handled), in epoch ms; "" when the rule gives none. */
    private static String next(String cron, String zone, String lastFireAt, Instant now) {
        try {
            ScheduleTiming timing = ScheduleRequest.recurrence("REPEAT", cron, zone, "", "", now).orElseThrow();
            Instant after = now;
            if (!text(lastFireAt).isEmpty() && Instant.ofEpochMilli(Long.parseLong(lastFireAt)).isAfter(now)) {
                after = Instant.ofEpochMilli(Long.parseLong(lastFireAt));
            }
            return timing.nextFireAfter(after).map(i -> Long.toString(i.toEpochMilli())).orElse("");
        } catch (ScheduleRuleException | NumberFormatException e) {
            return "";
        }
    }

    public Change pause(String tenant, String taskId, String by) {
        return change(tenant, taskId, "pause", by);
    }

    public Change resume(String tenant, String taskId, String by) {
        return change(tenant, taskId, "resume", by);
    }

    private Change change(String tenant, String taskId, String action, String by) {
        long reply = (Long) PAUSE.eval(redis, List.of(new TenantKeys(tenant).task(taskId)),
                List.of(action, Long.toString(clock.millis())));
        Change change = reply == 1 ? Change.CHANGED : reply == 0 ? Change.ALREADY
                : reply == -1 ? Change.NO_TASK : Change.NOT_RECURRING;
        if (change == Change.CHANGED) {
            events.accept(EventLine.of(action.equals("pause") ? "schedule-paused" : "schedule-resumed")
                    .with("tenant", tenant).with("task", taskId).with("by", by));
        }
        return change;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
