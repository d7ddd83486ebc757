package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.ops.EventLine;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's life as log events, one line each with the same fields, so an operator can follow one
 * run (or one tenant) across workers with a grep:
 * {@code event=started task=... run=... tenant=... attempt=1 type=CODE worker=w-1 epoch=1 pickup_ms=12}.
 * Events: {@code started}, {@code finished} (with status and duration), {@code retried} (with
 * delay and reason) and {@code dead_lettered} (with reason; for an unreadable record, its place
 * in the topic instead of run fields).
 */
final class RunLog {
    private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);

    private final String workerId;

    public RunLog(String workerId) {
        this.workerId = workerId;
    }

    /** An attempt took the run (fencing epoch {@code epoch}); {@code pickupMillis} < 0 when unknown. */
    public void started(JobMessage job, int attempt, long epoch, long pickupMillis) {
        LOG.info("{}", started(job, attempt, epoch, pickupMillis, workerId));
    }

    /** The attempt wrote the run's terminal status; {@code durationMillis} < 0 when it never ran. */
    public void finished(JobMessage job, int attempt, RunStatus status, long durationMillis, String message) {
        LOG.info("{}", finished(job, attempt, status, durationMillis, message, workerId));
    }

    /** The attempt failed and the job goes back to the queue for attempt {@code attempt + 1}. */
    public void retried(JobMessage job, int attempt, Duration delay, String reason) {
        LOG.info("{}", retried(job, attempt, delay, reason, workerId));
    }

    /** The job went to the dead-letter topic after {@code attempts} attempts. */
    public void deadLettered(JobMessage job, int attempts, String reason) {
        LOG.warn("{}", deadLettered(job, attempts, reason, workerId));
    }

    /** A record that is no job (unparseable, invalid) went to the dead-letter topic. */
    public void deadLettered(String topic, int partition, long offset, int deliveries, String reason) {
        LOG.warn("{}", EventLine.of("dead_lettered").with("topic", topic).with("partition", partition)
                .with("offset", offset).with("attempts", deliveries).with("worker", workerId)
                .with("reason", reason));
    }

    static EventLine started(JobMessage job, int attempt, long epoch, long pickupMillis, String workerId) {
        return fields("started", job, attempt, workerId).with("epoch", epoch)
                .with("pickup_ms", pickupMillis >= 0 ? pickupMillis : null);
    }

    static EventLine finished(JobMessage job, int attempt, RunStatus status, long durationMillis, String message,
                              String workerId) {
        return fields("finished", job, attempt, workerId).with("status", status)
                .with("duration_ms", durationMillis >= 0 ? durationMillis : null).with("message", message);
    }

    static EventLine retried(JobMessage job, int attempt, Duration delay, String reason, String workerId) {
        return fields("retried", job, attempt, workerId).with("delay_ms", delay.toMillis()).with("reason", reason);
    }

    static EventLine deadLettered(JobMessage job, int attempts, String reason, String workerId) {
        return fields("dead_lettered", job, attempts, workerId).with("reason", reason);
    }

    private static EventLine fields(String event, JobMessage job, int attempt, String workerId) {
        return EventLine.of(event).with("task", job.taskId()).with("run", job.runId()).with("tenant", job.tenant())
                .with("attempt", attempt).with("type", job.type()).with("worker", workerId);
    }
}
