package io.trainyard.scheduler.fire;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns due fires into queued runs. The timers hand in their due fires and go back to their
 * clocks; one claim thread takes everything handed in meanwhile and claims it in Redis, up to
 * {@value #CLAIMS_PER_ROUND_TRIP} fires per round trip (pipelined {@code schedule_fire.lua}, which
 * also applies the overlap policy and creates the run under its task). The created runs' jobs are
 * sent to Kafka asynchronously (acks=all, the producer batches them); each batch of fires is
 * settled once Kafka answered for all its jobs: a job Kafka did not take marks its run FAILED.
 */
public final class QueuedRunLauncher implements FireLauncher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedRunLauncher.class);
    /** Claims outlive the catch-up window by this much, so no instance can see a fire again unclaimed. */
    static final Duration CLAIM_MARGIN = Duration.ofMinutes(10);
    /**
     * A run's {@code queuedAt} is when its round trip was sent, so round trips stay short (a few
     * milliseconds of Redis time) and later fires of a busy instant are stamped when claimed.
     */
    static final int CLAIMS_PER_ROUND_TRIP = 256;

    private final FireLedger ledger;
    private final FirePlanner planner;
    private final Producer<String, byte[]> producer;
    private final InstantSource clock;
    private final SchedulerMetrics metrics;
    private final String instanceId;
    private final Duration publishTimeout;
    private final BlockingQueue<LaunchBatch> handedIn = new LinkedBlockingQueue<>();
    private final LaunchBatch stop = new LaunchBatch(List.of(), batch -> { });
    private final Thread claims;
    private final ExecutorService publishing = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("fire-publish").daemon().factory());
    private final ExecutorService settling = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("fire-settle").daemon().factory());
    private volatile boolean running = true;

    // The claim thread's round trip, reused.
    private final LaunchBatch[] tripBatches = new LaunchBatch[CLAIMS_PER_ROUND_TRIP];
    private final int[] tripIndexes = new int[CLAIMS_PER_ROUND_TRIP];
    private final List<FireLedger.FireClaim> tripClaims = new ArrayList<>(CLAIMS_PER_ROUND_TRIP);

    public QueuedRunLauncher(FireLedger ledger, FirePlanner planner, Producer<String, byte[]> producer,
                             InstantSource clock, SchedulerMetrics metrics, String instanceId, Duration publishTimeout) {
        this.ledger = ledger;
        this.planner = planner;
        this.producer = producer;
        this.clock = clock;
        this.metrics = metrics;
        this.instanceId = instanceId;
        this.publishTimeout = publishTimeout;
        this.claims = Thread.ofPlatform().name("fire-claims").daemon().unstarted(this::claimLoop);
    }

    public QueuedRunLauncher start() {
        claims.start();
        return this;
    }

    @Override
    public CompletionStage<List<FireOutcome>> launch(List<Due> dues) {
        LaunchBatch batch = new LaunchBatch(dues, this::settled);
        if (running) {
            handedIn.add(batch);
        } else {
            batch.decideAll(FireOutcome.ERROR);
        }
        return batch.result();
    }

    private void claimLoop() {
        List<LaunchBatch> taken = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            taken.clear();
            try {
                taken.add(handedIn.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            handedIn.drainTo(taken);
            stopping = taken.remove(stop);
            try {
                claimAll(taken);
            } catch (RuntimeException e) {
                // A bug, not Redis (claimAll answers its failures as ERROR): keep claiming what comes next.
                LOG.error("claiming {} batch(es) of fires failed", taken.size(), e);
            }
        }
        taken.clear();
        handedIn.drainTo(taken);
        taken.forEach(batch -> batch.decideAll(FireOutcome.ERROR));
    }

    /** Every fire of {@code batches}, in order, a round trip at a time. */
    private void claimAll(List<LaunchBatch> batches) {
        int n = 0;
        for (LaunchBatch batch : batches) {
            for (int i = 0; i < batch.size(); i++) {
                tripBatches[n] = batch;
                tripIndexes[n] = i;
                if (++n == CLAIMS_PER_ROUND_TRIP) {
                    roundTrip(n);
                    n = 0;
                }
            }
        }
        if (n > 0) {
            roundTrip(n);
        }
    }

    private void roundTrip(int n) {
        Instant now = clock.instant();
        tripClaims.clear();
        for (int k = 0; k < n; k++) {
            LaunchBatch batch = tripBatches[k];
            Due due = batch.due(tripIndexes[k]);
            String runId = Ids.next();
            batch.runIds[tripIndexes[k]] = runId;
            tripClaims.add(new FireLedger.FireClaim(due.schedule(), due.fireTime(), runId,
                    planner.windowOf(due.schedule()).plus(CLAIM_MARGIN)));
        }
        List<FireLedger.Claim> answers;
        try {
            answers = ledger.claimAll(tripClaims, now, instanceId);
        } catch (RuntimeException e) {
            LOG.warn("cannot claim {} fire(s) in Redis; each is tried again shortly: {}", n, e.toString());
            for (int k = 0; k < n; k++) {
                tripBatches[k].decided(tripIndexes[k], FireOutcome.ERROR);
            }
            Arrays.fill(tripBatches, 0, n, null);
            return;
        }
        LaunchBatch[] createdBatches = new LaunchBatch[n];
        int[] createdIndexes = new int[n];
        int created = 0;
        for (int k = 0; k < n; k++) {
            LaunchBatch batch = tripBatches[k];
            int i = tripIndexes[k];
            FireLedger.Claim answer = answers.get(k);
            switch (answer.kind()) {
                case CREATED -> {
                    metrics.latenessMillis(now.toEpochMilli() - batch.due(i).fireTime().toEpochMilli());
                    batch.claimedAt[i] = now.toEpochMilli();
                    createdBatches[created] = batch;
                    createdIndexes[created++] = i;
                }
                case ALREADY_CLAIMED -> batch.decided(i, FireOutcome.DUPLICATE);
                case SKIPPED -> batch.decided(i, FireOutcome.SKIPPED);
                case BUSY -> batch.decided(i, FireOutcome.HELD);
                case NO_TASK -> batch.decided(i, FireOutcome.NO_TASK);
                case ERROR -> {
                    LOG.warn("schedule {}: cannot claim the fire at {}: {}", batch.due(i).schedule().key(),
                            batch.due(i).fireTime(), answer.detail());
                    batch.decided(i, FireOutcome.ERROR);
                }
            }
        }
        Arrays.fill(tripBatches, 0, n, null);
        if (created > 0) {
            int count = created;
            long queuedAt = now.toEpochMilli();
            publishing.execute(() -> publish(createdBatches, createdIndexes, count, queuedAt));
        }
    }

    /** Sends the jobs of created runs; Kafka's answer for each settles its fire. */
    private void publish(LaunchBatch[] batches, int[] indexes, int count, long queuedAt) {
        for (int k = 0; k < count; k++) {
            LaunchBatch batch = batches[k];
            int i = indexes[k];
            ScheduleDefinition schedule = batch.due(i).schedule();
            RunTemplate run = schedule.run();
            String runId = batch.runIds[i];
            JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, schedule.taskId(), schedule.tenant(),
                    run.type(), run.projectId(), run.resourceId(), null, run.timeoutSeconds(), 1, queuedAt);
            try {
                producer.send(new ProducerRecord<>(Topics.jobsTopicFor(run.type()), runId, Json.write(job)),
                        (metadata, error) -> batch.published(i, error));
            } catch (RuntimeException e) {
                // send() fails at once when no metadata arrives within max.block.ms
                batch.published(i, e);
            }
        }
    }

    /** Runs where the last fire of a batch settled (often Kafka's thread): the rest goes elsewhere. */
    private void settled(LaunchBatch batch) {
        try {
            settling.execute(() -> settle(batch));
        } catch (RejectedExecutionException e) {
            settle(batch);
        }
    }

    private void settle(LaunchBatch batch) {
        int failed = 0;
        for (int i = 0; i < batch.size(); i++) {
            FireOutcome outcome = batch.outcomes[i];
            if (outcome == FireOutcome.FAILED) {
                if (failed++ == 0) {
                    LOG.error("schedule {}: the job of run {} (fire at {}) was not acknowledged by Kafka: {}",
                            batch.due(i).schedule().key(), batch.runIds[i], batch.due(i).fireTime(),
                            batch.publishErrors[i].toString());
                }
                unqueued(batch.runIds[i], batch.due(i), batch.publishErrors[i]);
            }
            if ((outcome == FireOutcome.LAUNCHED || outcome == FireOutcome.FAILED) && LOG.isDebugEnabled()) {
                LOG.debug("{}", fired(batch.due(i), batch.runIds[i], batch.claimedAt[i], outcome));
            }
            metrics.fire(outcome);
        }
        if (failed > 1) {
            LOG.error("{} runs of one batch were marked FAILED: their jobs were not acknowledged by Kafka", failed);
        }
        batch.complete();
    }

    private void unqueued(String runId, Due due, Throwable cause) {
        try {
            ledger.markUnqueued(due.schedule().tenant(), runId, String.valueOf(cause.getMessage()), clock.instant());
        } catch (RuntimeException e) {
            LOG.error("run {} stays QUEUED without a job: {}", runId, e.toString());
        }
    }

    /** The log event of a fire that created a run: one line, key=value, at DEBUG. */
    private EventLine fired(Due due, String runId, long claimedAt, FireOutcome outcome) {
        ScheduleDefinition schedule = due.schedule();
        return EventLine.of("fired").with("task", schedule.taskId()).with("run", runId)
                .with("tenant", schedule.tenant()).with("attempt", 1).with("type", schedule.run().type())
                .with("scheduler", instanceId).with("fire_time", due.fireTime())
                .with("lateness_ms", claimedAt - due.fireTime().toEpochMilli()).with("outcome", outcome.tag());
    }

    /**
     * Stops taking fires (batches handed in later are answered ERROR, to be tried again by their
     * next owner), then waits for Kafka's answer on the jobs already sent and settles their batches.
     */
    @Override
    public void close() {
        running = false;
        handedIn.add(stop);
        try {
            claims.join(TimeUnit.SECONDS.toMillis(30));
            publishing.shutdown();
            publishing.awaitTermination(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
            producer.flush();
            settling.shutdown();
            settling.awaitTermination(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
