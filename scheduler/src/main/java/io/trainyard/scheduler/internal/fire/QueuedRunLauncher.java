package io.trainyard.scheduler.internal.fire;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns due fires into queued runs. The timers hand in their due fires and go back to their
 * clocks; {@value #CLAIM_THREADS} claim threads, each on its own Redis connection, take them in
 * order, up to {@value #CLAIMS_PER_ROUND_TRIP} fires per round trip (pipelined
 * {@code schedule_fire.lua}, which also applies the overlap policy and creates the run under its
 * task), so one round trip is on its way while the next is prepared and Redis never waits on
 * Java. The created runs' jobs are sent to Kafka asynchronously (acks=all, the producer batches
 * them) once the fires due together are claimed, so that the broker, the producer and the
 * settling do not take the CPU from the claims of a busy instant; each batch of fires is settled
 * once Kafka answered for all its jobs: a job Kafka did not take marks its run FAILED.
 */
public final class QueuedRunLauncher implements FireLauncher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedRunLauncher.class);
    /** Claims outlive the catch-up window by this much, so no instance can see a fire again unclaimed. */
    static final Duration CLAIM_MARGIN = Duration.ofMinutes(10);
    /**
     * A run's {@code queuedAt} is when its round trip was sent, and a round trip sent while another
     * is in Redis waits for it; small round trips (about 1 ms of Redis time) keep the stamp close
     * to when the run is written.
     */
    static final int CLAIMS_PER_ROUND_TRIP = 64;
    /**
     * The most fires of one round trip while a backlog waits (a claim thread takes its share of
     * it, {@link ClaimQueue#poll(int, int, int)}): some 10 ms of Redis time, so the schedules
     * that came due meanwhile still get their turn soon, while the fixed cost of each round trip
     * no longer caps how fast a backlog drains.
     */
    static final int CLAIMS_PER_BACKLOG_TRIP = 512;
    /** Round trips in flight at once: two keep Redis busy, more only stretch the wait behind them. */
    static final int CLAIM_THREADS = 2;
    /** A created run's job waits at most this long for the claims after it before it goes to Kafka. */
    static final Duration PUBLISH_HOLD = Duration.ofMillis(100);

    private final FireLedger ledger;
    private final FirePlanner planner;
    private final Producer<String, byte[]> producer;
    private final InstantSource clock;
    private final SchedulerMetrics metrics;
    private final String instanceId;
    private final Duration publishTimeout;
    private final ClaimQueue handedIn = new ClaimQueue();
    private final List<Thread> claimThreads = new ArrayList<>(CLAIM_THREADS);
    private final ExecutorService publishing = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("fire-publish").daemon().factory());
    private final ExecutorService settling = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("fire-settle").daemon().factory());

    public QueuedRunLauncher(FireLedger ledger, FirePlanner planner, Producer<String, byte[]> producer,
                             InstantSource clock, SchedulerMetrics metrics, String instanceId, Duration publishTimeout) {
        this.ledger = ledger;
        this.planner = planner;
        this.producer = producer;
        this.clock = clock;
        this.metrics = metrics;
        this.instanceId = instanceId;
        this.publishTimeout = publishTimeout;
        for (int t = 0; t < CLAIM_THREADS; t++) {
            claimThreads.add(Thread.ofPlatform().name("fire-claims-" + t).daemon().unstarted(this::claimLoop));
        }
    }

    public QueuedRunLauncher start() {
        claimThreads.forEach(Thread::start);
        return this;
    }

    @Override
    public CompletionStage<List<FireOutcome>> launch(List<Due> dues) {
        LaunchBatch batch = new LaunchBatch(dues, this::settled);
        if (!handedIn.add(batch)) {
            batch.decideAll(FireOutcome.ERROR);
        }
        return batch.result();
    }

    private void claimLoop() {
        HeldJobs held = new HeldJobs();
        while (true) {
            ClaimQueue.Trip trip = handedIn.poll(CLAIMS_PER_ROUND_TRIP, CLAIMS_PER_BACKLOG_TRIP, CLAIM_THREADS);
            if (trip == null) {
                // Nothing more to claim for now: Kafka gets the jobs of the runs created meanwhile.
                held.publish();
                try {
                    trip = handedIn.take(CLAIMS_PER_ROUND_TRIP);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (trip == null) {
                    return;
                }
            }
            try {
                roundTrip(trip, held);
            } catch (RuntimeException e) {
                // A bug, not Redis (roundTrip answers its failures as ERROR): keep claiming what comes next.
                LOG.error("claiming {} fire(s) failed", trip.size(), e);
            }
            if (held.heldSinceNanos(System.nanoTime()) > PUBLISH_HOLD.toNanos()) {
                held.publish();
            }
        }
    }

    /**
     * The created runs of one claim thread whose jobs are not yet sent to Kafka; how long they
     * wait is real time (System.nanoTime), not the schedules' clock, which tests move.
     */
    private final class HeldJobs {
        private List<LaunchBatch> batches = new ArrayList<>();
        private List<Integer> indexes = new ArrayList<>();
        private long since;

        void add(LaunchBatch batch, int i) {
            if (batches.isEmpty()) {
                since = System.nanoTime();
            }
            batches.add(batch);
            indexes.add(i);
        }

        long heldSinceNanos(long now) {
            return batches.isEmpty() ? 0 : now - since;
        }

        void publish() {
            if (batches.isEmpty()) {
                return;
            }
            List<LaunchBatch> jobBatches = batches;
            List<Integer> jobIndexes = indexes;
            publishing.execute(() -> QueuedRunLauncher.this.publish(jobBatches, jobIndexes));
            batches = new ArrayList<>();
            indexes = new ArrayList<>();
        }
    }

    private void roundTrip(ClaimQueue.Trip trip, HeldJobs held) {
        int n = trip.size();
        List<FireLedger.FireClaim> claims = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            LaunchBatch batch = trip.batches()[k];
            int i = trip.indexes()[k];
            Due due = batch.due(i);
            String runId = Ids.next();
            batch.fire(i).runId = runId;
            claims.add(new FireLedger.FireClaim(due.schedule(), due.fireTime(), runId,
                    planner.windowOf(due.schedule()).plus(CLAIM_MARGIN)));
        }
        Instant now = clock.instant();
        List<FireLedger.Claim> answers;
        try {
            answers = ledger.claimAll(claims, now, instanceId);
        } catch (RuntimeException e) {
            LOG.warn("cannot claim {} fire(s) in Redis; each is tried again shortly: {}", n, e.toString());
            for (int k = 0; k < n; k++) {
                trip.batches()[k].decided(trip.indexes()[k], FireOutcome.ERROR);
            }
            return;
        }
        for (int k = 0; k < n; k++) {
            LaunchBatch batch = trip.batches()[k];
            int i = trip.indexes()[k];
            FireLedger.Claim answer = answers.get(k);
            switch (answer.kind()) {
                case CREATED -> {
                    metrics.latenessMillis(now.toEpochMilli() - batch.due(i).fireTime().toEpochMilli());
                    batch.fire(i).claimedAt = now.toEpochMilli();
                    held.add(batch, i);
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
    }

    /** Sends the jobs of created runs; Kafka's answer for each settles its fire. */
    private void publish(List<LaunchBatch> batches, List<Integer> indexes) {
        for (int k = 0; k < batches.size(); k++) {
            LaunchBatch batch = batches.get(k);
            int i = indexes.get(k);
            ScheduleDefinition schedule = batch.due(i).schedule();
            RunTemplate run = schedule.run();
            String runId = batch.fire(i).runId;
            if (run.pipelineHead()) {
                // Its job is the pipeline: the ingress starts the steps of the instance from the run.
                batch.published(i, null);
                continue;
            }
            JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, schedule.taskId(), schedule.tenant(),
                    run.type(), run.projectId(), run.resourceId(), null, run.timeoutSeconds(), 1, batch.fire(i).claimedAt);
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
        Map<String, List<String>> published = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            FireOutcome outcome = batch.fire(i).outcome;
            if (outcome == FireOutcome.LAUNCHED) {
                published.computeIfAbsent(batch.due(i).schedule().tenant(), t -> new ArrayList<>()).add(batch.fire(i).runId);
            }
            if (outcome == FireOutcome.FAILED) {
                if (failed++ == 0) {
                    LOG.error("schedule {}: the job of run {} (fire at {}) was not acknowledged by Kafka: {}",
                            batch.due(i).schedule().key(), batch.fire(i).runId, batch.due(i).fireTime(),
                            batch.fire(i).publishError.toString());
                }
                unqueued(batch.fire(i).runId, batch.due(i), batch.fire(i).publishError);
            }
            if ((outcome == FireOutcome.LAUNCHED || outcome == FireOutcome.FAILED) && LOG.isDebugEnabled()) {
                LOG.debug("{}", fired(batch.due(i), batch.fire(i).runId, batch.fire(i).claimedAt, outcome));
            }
            metrics.fire(outcome);
        }
        if (failed > 1) {
            LOG.error("{} runs of one batch were marked FAILED: their jobs were not acknowledged by Kafka", failed);
        }
        try {
            ledger.published(published);
        } catch (RuntimeException e) {
            LOG.warn("{} published run(s) stay in the in-flight index; the reconciler publishes their jobs again: {}",
                    published.values().stream().mapToInt(List::size).sum(), e.toString());
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
     * next owner), claims the ones already handed in, then waits for Kafka's answer on the jobs
     * sent and settles their batches.
     */
    @Override
    public void close() {
        handedIn.close();
        try {
            for (Thread thread : claimThreads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
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
