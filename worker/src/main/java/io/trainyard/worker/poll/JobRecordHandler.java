package io.trainyard.worker.poll;

import io.trainyard.common.job.JobMessage;
import io.trainyard.worker.metrics.WorkerMetrics;
import io.trainyard.worker.run.Attempt;
import io.trainyard.worker.run.JobRunner;
import io.trainyard.worker.run.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What job records become: poison goes to the dead-letter topic and is rejected; jobs are started
 * as a batch, run, ended as a batch, and each verdict mapped to an acknowledgement (done: ACCEPT,
 * retry: RELEASE, exhausted: dead letter then ACCEPT). A start or end that Redis could not record
 * is left to the lane to try again ({@link #waits}, a null acknowledgement from {@link #end}).
 *
 * <p>A record handed back on its last delivery (the share group's delivery limit) would be
 * archived by the broker with its run still QUEUED; such a record is published again as a new
 * record of the same job, and the old one accepted.
 */
public final class JobRecordHandler implements RecordHandler<JobRecordHandler.Delivery> {
    private static final Logger LOG = LoggerFactory.getLogger(JobRecordHandler.class);

    /** One record's way through the worker: a job's attempt, or poison. */
    public static final class Delivery {
        final ConsumerRecord<byte[], byte[]> record;
        final Attempt attempt;
        final String poison;
        AcknowledgeType ack;

        private Delivery(ConsumerRecord<byte[], byte[]> record, Attempt attempt, String poison) {
            this.record = record;
            this.attempt = attempt;
            this.poison = poison;
        }
    }

    private final JobRunner runner;
    private final DeadLetters deadLetters;
    private final JobCopies copies;
    private final WorkerMetrics metrics;
    private final int deliveryLimit;
    private final String workerId;

    public JobRecordHandler(JobRunner runner, DeadLetters deadLetters, JobCopies copies, WorkerMetrics metrics,
                            int deliveryLimit, String workerId) {
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.copies = copies;
        this.metrics = metrics;
        this.deliveryLimit = deliveryLimit;
        this.workerId = workerId;
    }

    @Override
    public List<Delivery> begin(List<ConsumerRecord<byte[], byte[]>> records) {
        List<Delivery> deliveries = new ArrayList<>(records.size());
        List<Attempt> attempts = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            switch (JobDecoder.decode(record.value())) {
                case JobDecoder.Decoded.Poison poison -> deliveries.add(new Delivery(record, null, poison.reason()));
                case JobDecoder.Decoded.Job decoded -> {
                    JobMessage job = decoded.job();
                    // Only a job whose script travels in its message needs the message kept: any other
                    // the reconciler rebuilds from its run record.
                    Attempt attempt = runner.attempt(job, Math.max(1, job.attempt()) - 1 + deliveries(record),
                            startToken(record), job.script() != null ? record.value() : null);
                    attempts.add(attempt);
                    deliveries.add(new Delivery(record, attempt, null));
                }
            }
        }
        start(attempts);
        return deliveries;
    }

    @Override
    public boolean waits(Delivery d) {
        return d.attempt != null && d.attempt.waits();
    }

    @Override
    public boolean waitsForRedis(Delivery d) {
        return d.attempt != null && d.attempt.waitsForRedis();
    }

    @Override
    public void retryBegin(List<Delivery> waiting) {
        List<Attempt> attempts = new ArrayList<>(waiting.size());
        for (Delivery d : waiting) {
            attempts.add(d.attempt);
        }
        start(attempts);
    }

    private void start(List<Attempt> attempts) {
        if (!attempts.isEmpty()) {
            runner.startAll(attempts);
            runner.runQuick(attempts);
        }
    }

    /** This acquisition of the record: the same worker, record and delivery make the same start. */
    private String startToken(ConsumerRecord<byte[], byte[]> record) {
        return workerId + "/" + record.topic() + "-" + record.partition() + "@" + record.offset() + "#" + deliveries(record);
    }

    @Override
    public boolean runs(Delivery d) {
        // Poison runs too: its dead letter waits for the broker, which the lane's thread must not.
        return d.attempt == null || d.attempt.runs();
    }

    @Override
    public void run(Delivery d) {
        if (d.attempt == null) {
            d.ack = deadLetterPoison(d);
            return;
        }
        runner.run(d.attempt);
        if (d.attempt.verdict() instanceof Verdict.DeadLetter dead) {
            JobMessage job = d.attempt.job();
            if (deadLetters.send(d.record, dead.reason(), dead.attempts())) {
                metrics.deadLettered("exhausted");
            } else {
                LOG.error("run {}/{}: FAILED after {} attempts but its dead letter could not be sent",
                        job.tenant(), job.runId(), dead.attempts());
            }
            d.ack = AcknowledgeType.ACCEPT;
        }
    }

    @Override
    public List<AcknowledgeType> end(List<Delivery> ended) {
        List<Attempt> attempts = new ArrayList<>(ended.size());
        for (Delivery d : ended) {
            if (d.attempt != null && d.ack == null) {
                attempts.add(d.attempt);
            }
        }
        if (!attempts.isEmpty()) {
            runner.endAll(attempts);
        }
        List<AcknowledgeType> acks = new ArrayList<>(ended.size());
        for (Delivery d : ended) {
            acks.add(d.attempt != null && d.attempt.unrecorded() ? null : ackOf(d));
        }
        return acks;
    }

    @Override
    public AcknowledgeType handBack(ConsumerRecord<byte[], byte[]> record, String reason) {
        if (deliveries(record) < deliveryLimit) {
            return AcknowledgeType.RELEASE;
        }
        if (copies.publishAgain(record)) {
            LOG.info("record {}-{}@{} handed back on its last delivery: published again as a new record",
                    record.topic(), record.partition(), record.offset());
            return AcknowledgeType.ACCEPT;
        }
        return AcknowledgeType.RELEASE;
    }

    private AcknowledgeType ackOf(Delivery d) {
        if (d.ack != null) {
            return d.ack;
        }
        if (d.attempt == null) {
            return handBack(d.record, "not settled");
        }
        return switch (d.attempt.verdict()) {
            case Verdict.Done done -> AcknowledgeType.ACCEPT;
            case Verdict.Retry retry -> handBack(d.record, "retry");
            // run() sends the dead letter of a run it ran; a run abandoned by earlier workers gets it here.
            case Verdict.DeadLetter dead -> deadLetter(d, dead);
            case null -> handBack(d.record, "not settled");
        };
    }

    private AcknowledgeType deadLetter(Delivery d, Verdict.DeadLetter dead) {
        if (deadLetters.send(d.record, dead.reason(), dead.attempts())) {
            metrics.deadLettered("abandoned");
            return AcknowledgeType.ACCEPT;
        }
        LOG.error("run {}/{}: FAILED ({}) but its dead letter could not be sent", d.attempt.job().tenant(),
                d.attempt.job().runId(), dead.reason());
        return AcknowledgeType.ACCEPT;
    }

    private AcknowledgeType deadLetterPoison(Delivery d) {
        ConsumerRecord<byte[], byte[]> record = d.record;
        LOG.warn("poison record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), d.poison);
        if (!deadLetters.send(record, d.poison, deliveries(record))) {
            // Keep it in the queue rather than lose it; the delivery limit bounds the loop.
            return AcknowledgeType.RELEASE;
        }
        metrics.deadLettered("poison");
        return AcknowledgeType.REJECT;
    }

    private static int deliveries(ConsumerRecord<byte[], byte[]> record) {
        return record.deliveryCount().map(Short::intValue).orElse(1);
    }
}
