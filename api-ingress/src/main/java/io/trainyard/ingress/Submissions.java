package io.trainyard.ingress;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.json.Json;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.schedule.OnceRule;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.submit.BoundedTaskStore;
import io.trainyard.ingress.internal.submit.EventLog;
import io.trainyard.ingress.internal.submit.FlowFields;
import io.trainyard.ingress.internal.submit.PublishFailedException;
import io.trainyard.ingress.internal.submit.RecordPublisher;
import io.trainyard.ingress.internal.submit.Recurrence;
import io.trainyard.ingress.internal.submit.RollbackRetries;
import io.trainyard.ingress.internal.submit.ScheduleSink;
import io.trainyard.ingress.internal.submit.SubmitBound;
import io.trainyard.ingress.internal.submit.SubmitMetrics;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import io.trainyard.ingress.internal.submit.TaskRecords;
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
 *
 * <p>Every submit is answered within its {@link SubmitBound}: the Redis writes and the wait for
 * Kafka end early enough to leave the rollback its reserve. A rollback Redis does not confirm in
 * that reserve is still answered 503, on time, and goes on in the background ({@link RollbackRetries}).
 */
public final class Submissions {
    private static final Logger LOG = LoggerFactory.getLogger(Submissions.class);
    public static final String DUPLICATE_MESSAGE = "Task name already exists. Please provide another name";

    /** What was stored: the task record and its first run (null for REPEAT and a ONE_TIME that starts later). */
    public record Submitted(Map<String, String> task, Map<String, String> run) {}

    private final BoundedTaskStore store;
    private final RecordPublisher jobs;
    private final ScheduleSink schedules;
    private final SubmitBound bound;
    private final RollbackRetries rollbacks;
    private final InstantSource clock;
    private final SubmitMetrics metrics;
    private final EventLog events;

    public Submissions(BoundedTaskStore store, RecordPublisher jobs, ScheduleSink schedules, SubmitBound bound,
                       RollbackRetries rollbacks, InstantSource clock, SubmitMetrics metrics, EventLog events) {
        this.store = store;
        this.jobs = jobs;
        this.schedules = schedules;
        this.bound = bound;
        this.rollbacks = rollbacks;
        this.clock = clock;
        this.metrics = metrics;
        this.events = events;
    }

    public Submitted submit(SubmitRequest request) {
        SubmitBound.Deadline deadline = bound.startingAt(System.nanoTime());
        long now = clock.millis();
        String taskId = Ids.next();
        Map<String, String> task = TaskRecords.task(taskId, request, now);
        boolean held = request.heldUntilStart(now);
        String runId = request.recurrence() == Recurrence.ONE_TIME && !held ? Ids.next() : null;
        Map<String, String> run = runId == null ? null : TaskRecords.run(runId, taskId, request, now);
        ScheduleDefinition schedule = runId == null ? schedule(taskId, request, now) : null;
        TaskStore.Submitted reserved = store.until(deadline.publishBy())
                .submit(request.tenant(), request.name(), now, task, run);
        if (!reserved.created()) {
            metrics.outcome(request, "duplicate");
            throw ApiException.of(Problem.DUPLICATE_NAME, DUPLICATE_MESSAGE);
        }
        try {
            long waitMillis = deadline.publishMillisLeft(System.nanoTime());
            if (runId == null) {
                schedules.publish(schedule, waitMillis);
            } else {
                JobMessage job = TaskRecords.job(runId, taskId, request, now);
                jobs.publish(FlowFields.topic(job), runId, Json.write(job), waitMillis);
            }
        } catch (PublishFailedException e) {
            boolean undone = rollBack(request, taskId, deadline);
            if (!e.retryable()) {
                // Kafka refused the record for good (its own error is not retriable): trying again
                // would fail the same way, so this is the service's fault, not a 503.
                metrics.outcome(request, "refused");
                LOG.error("submit of task {} for tenant {} refused by Kafka and rolled back: {}", taskId,
                        request.tenant(), e.getMessage());
                throw ApiException.of(Problem.INTERNAL, "Kafka refused the job, so nothing was queued: "
                        + e.getCause().getMessage());
            }
            metrics.outcome(request, "unavailable");
            LOG.warn("submit of task {} for tenant {} {}: {}", taskId, request.tenant(),
                    undone ? "rolled back" : "answered 503, its rollback goes on", e.getMessage());
            throw ApiException.unavailable(undone
                    ? "Kafka did not acknowledge the job, so nothing was queued and the task name is free again; "
                            + "try again shortly"
                    : "Kafka did not acknowledge the job, so it is being rolled back; the task name stays taken "
                            + "until that is done; try again shortly", 5, e);
        }
        metrics.outcome(request, "accepted");
        events.log(EventLine.of("submitted").with("task", taskId).with("run", runId).with("tenant", request.tenant())
                .with("attempt", runId == null ? null : 1).with("type", request.type())
                .with("dialect", request.dialect()).with("recurrence", request.recurrence()));
        return new Submitted(task, run);
    }

    /**
     * The schedule of a REPEAT task, or the one-shot one of a ONE_TIME task that starts later,
     * built (and so checked) before anything is stored.
     */
    private static ScheduleDefinition schedule(String taskId, SubmitRequest request, long now) {
        ScheduleTiming timing = request.recurrence() == Recurrence.REPEAT ? request.schedule()
                : new ScheduleTiming(OnceRule.at(request.startDate(), request.timeZone()), request.startDate(), null);
        return ScheduleDefinition.builder(request.tenant(), taskId)
                .run(new RunTemplate(request.type(), request.projectId(), request.resourceId(), request.name(),
                        request.timeoutSeconds(), request.extra().containsKey(TaskRecords.PIPELINE_TEMPLATE)))
                .timing(timing)
                .overlap(OverlapPolicy.parse(request.extra().get(TaskRecords.OVERLAP)))
                .createdAt(Instant.ofEpochMilli(now))
                .build();
    }

    /**
     * Frees the name and ends the run, waiting for Redis until the answer is due; true when done.
     * A rollback not confirmed by then is retried in the background until Redis takes it.
     */
    private boolean rollBack(SubmitRequest request, String taskId, SubmitBound.Deadline deadline) {
        try {
            store.until(deadline.answerBy()).unsubmit(request.tenant(), request.name(), taskId);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("rollback of task {} of tenant {} not confirmed in time, retrying it: {}", taskId,
                    request.tenant(), e.toString());
            rollbacks.add(request.tenant(), request.name(), taskId);
            return false;
        }
    }
}
