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
 * retry: RELEASE, exhausted: dead letter then ACCEPT).
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
    private final WorkerMetrics metrics;

    public JobRecordHandler(JobRunner runner, DeadLetters deadLetters, WorkerMetrics metrics) {
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
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
                    Attempt attempt = runner.attempt(job, Math.max(1, job.attempt()) - 1 + deliveries(record));
                    attempts.add(attempt);
                    deliveries.add(new Delivery(record, attempt, null));
                }
            }
        }
        if (!attempts.isEmpty()) {
            runner.startAll(attempts);
            runner.runQuick(attempts);
        }
        return deliveries;
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
            acks.add(ackOf(d));
        }
        return acks;
    }

    private static AcknowledgeType ackOf(Delivery d) {
        if (d.ack != null) {
            return d.ack;
        }
        if (d.attempt == null) {
            return AcknowledgeType.RELEASE;
        }
        return switch (d.attempt.verdict()) {
            case Verdict.Done done -> AcknowledgeType.ACCEPT;
            case Verdict.Retry retry -> AcknowledgeType.RELEASE;
            // run() sends the dead letter and sets the ACCEPT itself; only an attempt that never ran gets here.
            case Verdict.DeadLetter dead -> AcknowledgeType.RELEASE;
            case null -> AcknowledgeType.RELEASE;
        };
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
