package io.trainyard.scheduler.fire;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.scheduler.SchedulerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns due fires into queued runs: claims each fire in Redis (which also applies the overlap
 * policy and creates the run under its task), then publishes the runs' jobs to their jobs topic
 * and waits for Kafka's acknowledgement (acks=all). A batch's jobs are sent together and
 * awaited together, so a busy second costs one round trip to Kafka, not one per fire.
 */
public final class QueuedRunLauncher implements FireLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedRunLauncher.class);
    /** Claims outlive the catch-up window by this much, so no instance can see a fire again unclaimed. */
    static final Duration CLAIM_MARGIN = Duration.ofMinutes(10);

    private final FireLedger ledger;
    private final FirePlanner planner;
    private final Producer<String, byte[]> producer;
    private final InstantSource clock;
    private final SchedulerMetrics metrics;
    private final String instanceId;
    private final Duration publishTimeout;

    public QueuedRunLauncher(FireLedger ledger, FirePlanner planner, Producer<String, byte[]> producer, InstantSource clock,
                        SchedulerMetrics metrics, String instanceId, Duration publishTimeout) {
        this.ledger = ledger;
        this.planner = planner;
        this.producer = producer;
        this.clock = clock;
        this.metrics = metrics;
        this.instanceId = instanceId;
        this.publishTimeout = publishTimeout;
    }

    @Override
    public List<FireOutcome> launch(List<Due> batch) {
        FireOutcome[] outcomes = new FireOutcome[batch.size()];
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
        List<String> runIds = new ArrayList<>(batch.size());
        long[] claimedAt = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            sent.add(null);
            runIds.add(null);
            Due due = batch.get(i);
            Instant now = clock.instant();
            String runId = Ids.next();
            FireLedger.Claim claim;
            try {
                claim = ledger.claim(due.schedule(), due.fireTime(), runFields(due, runId, now),
                        planner.windowOf(due.schedule()).plus(CLAIM_MARGIN));
            } catch (RuntimeException e) {
                LOG.warn("schedule {}: cannot claim the fire at {}: {}", due.schedule().key(), due.fireTime(), e.toString());
                outcomes[i] = FireOutcome.ERROR;
                continue;
            }
            outcomes[i] = switch (claim.kind()) {
                case ALREADY_CLAIMED -> FireOutcome.DUPLICATE;
                case SKIPPED -> FireOutcome.SKIPPED;
                case BUSY -> FireOutcome.HELD;
                case NO_TASK -> FireOutcome.NO_TASK;
                case CREATED -> null;
            };
            if (claim.kind() == FireLedger.Claim.Kind.CREATED) {
                metrics.lateness(Duration.between(due.fireTime(), now));
                runIds.set(i, runId);
                claimedAt[i] = now.toEpochMilli();
                sent.set(i, send(due, runId, now));
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] == null) {
                outcomes[i] = awaitAck(batch.get(i), runIds.get(i), sent.get(i));
                LOG.info("{}", fired(batch.get(i), runIds.get(i), claimedAt[i], outcomes[i]));
            }
            metrics.fire(outcomes[i]);
        }
        return Arrays.asList(outcomes);
    }

    /** The log event of a fire that created a run: one line, key=value. */
    private EventLine fired(Due due, String runId, long claimedAt, FireOutcome outcome) {
        ScheduleDefinition schedule = due.schedule();
        return EventLine.of("fired").with("task", schedule.taskId()).with("run", runId)
                .with("tenant", schedule.tenant()).with("attempt", 1).with("type", schedule.run().type())
                .with("scheduler", instanceId).with("fire_time", due.fireTime())
                .with("lateness_ms", claimedAt - due.fireTime().toEpochMilli()).with("outcome", outcome.tag());
    }

    private Future<RecordMetadata> send(Due due, String runId, Instant now) {
        RunTemplate run = due.schedule().run();
        JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, due.schedule().taskId(),
                due.schedule().tenant(), run.type(), run.projectId(), run.resourceId(), null, run.timeoutSeconds(),
                1, now.toEpochMilli());
        try {
            return producer.send(new ProducerRecord<>(Topics.jobsTopicFor(run.type()), runId, Json.write(job)));
        } catch (RuntimeException e) {
            // send() fails fast when no metadata arrives within max.block.ms
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    private FireOutcome awaitAck(Due due, String runId, Future<RecordMetadata> ack) {
        try {
            ack.get(publishTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return FireOutcome.LAUNCHED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unqueued(due, runId, e);
        } catch (ExecutionException e) {
            return unqueued(due, runId, e.getCause());
        } catch (TimeoutException e) {
            return unqueued(due, runId, e);
        }
    }

    private FireOutcome unqueued(Due due, String runId, Throwable cause) {
        LOG.error("schedule {}: the job of run {} (fire at {}) was not acknowledged by Kafka: {}",
                due.schedule().key(), runId, due.fireTime(), cause.toString());
        try {
            ledger.markUnqueued(due.schedule().tenant(), runId, String.valueOf(cause.getMessage()), clock.instant());
        } catch (RuntimeException e) {
            LOG.error("run {} stays QUEUED without a job: {}", runId, e.toString());
        }
        return FireOutcome.FAILED;
    }

    private Map<String, String> runFields(Due due, String runId, Instant now) {
        ScheduleDefinition schedule = due.schedule();
        RunTemplate run = schedule.run();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", runId);
        fields.put("tasksID", schedule.taskId());
        fields.put("tenant", schedule.tenant());
        fields.put("type", run.type().name());
        putIfPresent(fields, "taskName", run.taskName());
        putIfPresent(fields, "projectID", run.projectId());
        putIfPresent(fields, "resourceID", run.resourceId());
        fields.put("status", RunStatus.QUEUED.name());
        fields.put("message", "Queued by the scheduler");
        fields.put("queuedAt", Long.toString(now.toEpochMilli()));
        fields.put("timeoutSeconds", Long.toString(run.timeoutSeconds()));
        fields.put("fireTime", Long.toString(due.fireTime().toEpochMilli()));
        fields.put("scheduledBy", instanceId);
        return fields;
    }

    private static void putIfPresent(Map<String, String> fields, String key, String value) {
        if (value != null) {
            fields.put(key, value);
        }
    }
}
