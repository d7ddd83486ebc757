package io.trainyard.worker.poll;

import io.trainyard.common.job.JobMessage;
import io.trainyard.worker.metrics.WorkerMetrics;
import io.trainyard.worker.run.JobRunner;
import io.trainyard.worker.run.Verdict;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job record becomes: poison goes to the dead-letter topic and is rejected; a job is run
 * and its verdict mapped to an acknowledgement (done: ACCEPT, retry: RELEASE, exhausted: dead
 * letter then ACCEPT).
 */
public final class JobRecordHandler implements ShareGroupPoller.RecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JobRecordHandler.class);

    private final JobRunner runner;
    private final DeadLetters deadLetters;
    private final WorkerMetrics metrics;

    public JobRecordHandler(JobRunner runner, DeadLetters deadLetters, WorkerMetrics metrics) {
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Override
    public AcknowledgeType handle(ConsumerRecord<byte[], byte[]> record) {
        int deliveries = record.deliveryCount().map(Short::intValue).orElse(1);
        switch (JobDecoder.decode(record.value())) {
            case JobDecoder.Decoded.Poison poison -> {
                LOG.warn("poison record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), poison.reason());
                if (!deadLetters.send(record, poison.reason(), deliveries)) {
                    // Keep it in the queue rather than lose it; the delivery limit bounds the loop.
                    return AcknowledgeType.RELEASE;
                }
                metrics.deadLettered("poison");
                return AcknowledgeType.REJECT;
            }
            case JobDecoder.Decoded.Job decoded -> {
                JobMessage job = decoded.job();
                int attempt = Math.max(1, job.attempt()) - 1 + deliveries;
                Verdict verdict;
                try {
                    verdict = runner.run(job, attempt);
                } catch (RuntimeException e) {
                    LOG.warn("run {}/{}: attempt {} could not be recorded; releasing it", job.tenant(), job.runId(), attempt, e);
                    return AcknowledgeType.RELEASE;
                }
                return switch (verdict) {
                    case Verdict.Done done -> AcknowledgeType.ACCEPT;
                    case Verdict.Retry retry -> AcknowledgeType.RELEASE;
                    case Verdict.DeadLetter dead -> {
                        if (deadLetters.send(record, dead.reason(), dead.attempts())) {
                            metrics.deadLettered("exhausted");
                        } else {
                            LOG.error("run {}/{}: FAILED after {} attempts but its dead letter could not be sent",
                                    job.tenant(), job.runId(), dead.attempts());
                        }
                        yield AcknowledgeType.ACCEPT;
                    }
                };
            }
        }
    }
}
