package io.trainyard.ingress.submit;

import io.trainyard.common.Ids;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.store.TaskStore;
import io.trainyard.ingress.http.ApiException;
import io.trainyard.ingress.http.Problem;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submit path every dialect shares: reserve the name and write the records atomically, put
 * the job (or, for REPEAT, the schedule) on Kafka and wait for the acknowledgement; if Kafka does
 * not acknowledge, undo the reservation before answering. A client never holds a success for
 * work that is not durably queued.
 */
public final class Submissions {
    private static final Logger LOG = LoggerFactory.getLogger(Submissions.class);
    public static final String DUPLICATE_MESSAGE = "Task name already exists. Please provide another name";

    /** What was stored: the task record and its first run (null for REPEAT). */
    public record Submitted(Map<String, String> task, Map<String, String> run) {}

    private final TaskStore store;
    private final RecordPublisher jobs;
    private final ScheduleSink schedules;
    private final InstantSource clock;
    private final SubmitMetrics metrics;
    private final EventLog events;

    public Submissions(TaskStore store, RecordPublisher jobs, ScheduleSink schedules, InstantSource clock,
                       SubmitMetrics metrics, EventLog events) {
        this.store = store;
        this.jobs = jobs;
        this.schedules = schedules;
        this.clock = clock;
        this.metrics = metrics;
        this.events = events;
    }

    public Submitted submit(SubmitRequest request) {
        long now = clock.millis();
        String taskId = Ids.next();
        Map<String, String> task = TaskRecords.task(taskId, request, now);
        String runId = request.recurrence() == Recurrence.ONE_TIME ? Ids.next() : null;
        Map<String, String> run = runId == null ? null : TaskRecords.run(runId, taskId, request, now);
        ScheduleDefinition schedule = runId == null ? schedule(taskId, request, now) : null;
        TaskStore.Submitted reserved = store.submit(request.tenant(), request.name(), now, task, run);
        if (!reserved.created()) {
            metrics.outcome(request, "duplicate");
            throw ApiException.of(Problem.DUPLICATE_NAME, DUPLICATE_MESSAGE);
        }
        try {
            if (runId == null) {
                schedules.publish(schedule);
            } else {
                jobs.publish(Topics.jobsTopicFor(request.type()), runId,
                        Json.write(TaskRecords.job(runId, taskId, request, now)));
            }
        } catch (PublishFailedException e) {
            rollBack(request, taskId);
            metrics.outcome(request, "unavailable");
            LOG.warn("submit of task {} for tenant {} rolled back: {}", taskId, request.tenant(), e.getMessage());
            throw ApiException.unavailable("Kafka did not acknowledge the job, so nothing was queued and the "
                    + "task name is free again; try again shortly", 5, e);
        }
        metrics.outcome(request, "accepted");
        events.log(EventLine.of("submitted").with("task", taskId).with("run", runId).with("tenant", request.tenant())
                .with("attempt", runId == null ? null : 1).with("type", request.type())
                .with("dialect", request.dialect()).with("recurrence", request.recurrence()));
        return new Submitted(task, run);
    }

    /** The schedule of a REPEAT task, built (and so checked) before anything is stored. */
    private static ScheduleDefinition schedule(String taskId, SubmitRequest request, long now) {
        try {
            return ScheduleDefinition.builder(request.tenant(), taskId)
                    .run(new RunTemplate(request.type(), request.projectId(), request.resourceId(), request.name(),
                            request.timeoutSeconds()))
                    .timing(request.schedule())
                    .createdAt(Instant.ofEpochMilli(now))
                    .build();
        } catch (ScheduleRuleException e) {
            throw ScheduleRules.toApi(e);
        }
    }

    private void rollBack(SubmitRequest request, String taskId) {
        try {
            store.unsubmit(request.tenant(), request.name(), taskId);
        } catch (RuntimeException e) {
            LOG.error("could not roll back task {} of tenant {}: its name stays reserved", taskId,
                    request.tenant(), e);
        }
    }
}
