package io.trainyard.scheduler;

import io.trainyard.common.job.JobType;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.ingress.ScheduleRequest;
import java.time.Duration;
import java.time.Instant;

/** Schedule definitions for tests. */
public final class Schedules {
    private Schedules() {}

    public static ScheduleDefinition cron(String tenant, String taskId, String expression, Instant createdAt,
                                          OverlapPolicy overlap, Duration catchUpWindow) {
        return ScheduleDefinition.builder(tenant, taskId)
                .run(new RunTemplate(JobType.NOOP, null, null, "task-" + taskId, 0))
                .timing(ScheduleRequest.recurrence("REPEAT", expression, null, null, null, createdAt).orElseThrow())
                .overlap(overlap)
                .catchUpWindow(catchUpWindow)
                .createdAt(createdAt)
                .build();
    }

    public static ScheduleDefinition cron(String taskId, String expression, Instant createdAt) {
        return cron("t1", taskId, expression, createdAt, OverlapPolicy.ALLOW, null);
    }
}
