package io.trainyard.common.schedule;

import io.trainyard.common.store.TenantKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A recurring task as the scheduler sees it: whose it is, what each fire runs, when it fires and
 * how it behaves under overlap and after downtime. Published to {@code trainyard.schedules}
 * keyed by {@link #key()}; a tombstone on that key deletes it. Build one with
 * {@link #builder(String, String)}; {@link #toJson()} and {@link #fromJson(byte[])} are the wire form.
 *
 * @param tenant the task's tenant
 * @param taskId the parent task every fire adds a run to
 * @param run what each fire runs
 * @param timing rule, zone, start and end
 * @param overlap what a fire does while an earlier run is unfinished
 * @param catchUpWindow how late a missed fire may still run after downtime; null means the
 *     scheduler's configured default
 * @param createdAt when the schedule was accepted; no fire time before it runs
 */
public record ScheduleDefinition(String tenant, String taskId, RunTemplate run, ScheduleTiming timing,
                                 OverlapPolicy overlap, Duration catchUpWindow, Instant createdAt) {
    /** The longest catch-up window a schedule may ask for. */
    public static final Duration MAX_CATCH_UP_WINDOW = Duration.ofDays(7);

    public ScheduleDefinition {
        try {
            new TenantKeys(tenant);
        } catch (IllegalArgumentException e) {
            throw new ScheduleRuleException("tenant", "'" + tenant + "' is not a tenant");
        }
        if (taskId == null || taskId.isBlank() || taskId.indexOf('/') >= 0) {
            throw new ScheduleRuleException("taskId", "'" + taskId + "' is not a task id");
        }
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(overlap, "overlap");
        Objects.requireNonNull(createdAt, "createdAt");
        if (catchUpWindow != null && (catchUpWindow.isNegative() || catchUpWindow.compareTo(MAX_CATCH_UP_WINDOW) > 0)) {
            throw new ScheduleRuleException("catchUpWindow", catchUpWindow + " is outside 0.." + MAX_CATCH_UP_WINDOW);
        }
    }

    public static Builder builder(String tenant, String taskId) {
        return new Builder(tenant, taskId);
    }

    /** The record key on {@code trainyard.schedules}: {@code tenant + "/" + taskId}. */
    public static String key(String tenant, String taskId) {
        return tenant + "/" + taskId;
    }

    public String key() {
        return key(tenant, taskId);
    }

    public FireRule rule() {
        return timing.rule();
    }

    public ZoneId zone() {
        return timing.zone();
    }

    public Instant start() {
        return timing.start();
    }

    /** The last allowed fire time, or null. */
    public Instant end() {
        return timing.end();
    }

    /** The first fire time strictly after {@code after}, never before the start or the creation. */
    public Optional<Instant> nextFireAfter(Instant after) {
        Instant notBefore = createdAt.minusNanos(1);
        return timing.nextFireAfter(after.isBefore(notBefore) ? notBefore : after);
    }

    /** The catch-up window to apply: this schedule's own, else {@code fallback}. */
    public Duration catchUpWindowOr(Duration fallback) {
        return catchUpWindow != null ? catchUpWindow : fallback;
    }

    public byte[] toJson() {
        return ScheduleWire.encode(this);
    }

    /** Decodes and re-validates a record value; a bad one throws {@link ScheduleRuleException}. */
    public static ScheduleDefinition fromJson(byte[] json) {
        return ScheduleWire.decode(json);
    }

    /** Assembles a definition; {@link #build()} validates it. */
    public static final class Builder {
        private final String tenant;
        private final String taskId;
        private RunTemplate run;
        private ScheduleTiming timing;
        private OverlapPolicy overlap = OverlapPolicy.DEFAULT;
        private Duration catchUpWindow;
        private Instant createdAt;

        private Builder(String tenant, String taskId) {
            this.tenant = tenant;
            this.taskId = taskId;
        }

        public Builder run(RunTemplate run) {
            this.run = run;
            return this;
        }

        public Builder timing(ScheduleTiming timing) {
            this.timing = timing;
            return this;
        }

        public Builder overlap(OverlapPolicy overlap) {
            this.overlap = overlap;
            return this;
        }

        public Builder catchUpWindow(Duration catchUpWindow) {
            this.catchUpWindow = catchUpWindow;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        public ScheduleDefinition build() {
            return new ScheduleDefinition(tenant, taskId, run, timing, overlap, catchUpWindow, createdAt);
        }
    }
}
