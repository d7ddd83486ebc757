package io.trainyard.worker.internal.poll;

import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.job.JobMessage;
import io.trainyard.worker.internal.metrics.WorkerMetrics;
import io.trainyard.worker.internal.run.Attempt;
import io.trainyard.worker.internal.run.JobRunner;
import io.trainyard.worker.internal.run.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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
        /** Parked by flow control: accepted without an attempt; it runs when published again. */
        boolean parked;
        AcknowledgeType ack;

        private Delivery(ConsumerRecord<byte[], byte[]> record, Attempt attempt, String poison) {
            this(record, attempt, poison, false);
        }

        private Delivery(ConsumerRecord<byte[], byte[]> record, Attempt attempt, String poison, boolean parked) {
            this.record = record;
            this.attempt = attempt;
            this.poison = poison;
            this.parked = parked;
            this.ack = parked ? AcknowledgeType.ACCEPT : null;
        }
    }

    private final JobRunner runner;
    private final DeadLetters deadLetters;
    private final JobCopies copies;
    private final WorkerMetrics metrics;
    private final int deliveryLimit;
    private final String workerId;
    private final FlowAdmission flow;

    public JobRecordHandler(JobRunner runner, DeadLetters deadLetters, JobCopies copies, WorkerMetrics metrics,
                            int deliveryLimit, String workerId) {
        this(runner, deadLetters, copies, metrics, deliveryLimit, workerId, null);
    }

    /** @param flow flow control (pause, rate and concurrency limits); null for none */
    public JobRecordHandler(JobRunner runner, DeadLetters deadLetters, JobCopies copies, WorkerMetrics metrics,
                            int deliveryLimit, String workerId, FlowAdmission flow) {
        this.flow = flow;
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
        List<JobDecoder.Decoded> decoded = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            decoded.add(JobDecoder.decode(record.value()));
        }
        List<FlowStore.Admission> admissions = admit(records, decoded);
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            FlowStore.Admission admission = admissions.get(i);
            if (admission == null) {
                deliveries.add(new Delivery(record, null, null, true));
                deliveries.getLast().ack = handBack(record, "flow control could not be checked");
                continue;
            }
            if (admission.parked()) {
                metrics.parked(admission.name().toLowerCase(Locale.ROOT));
                deliveries.add(new Delivery(record, null, null, true));
                continue;
            }
            switch (decoded.get(i)) {
                case JobDecoder.Decoded.Poison poison -> deliveries.add(new Delivery(record, null, poison.reason()));
                case JobDecoder.Decoded.Job admitted -> {
                    JobMessage job = admitted.job();
                    // Only a job whose script or flow fields travel in its message needs the message
                    // kept: any other the reconciler rebuilds from its run record.
                    Attempt attempt = runner.attempt(job, Math.max(1, job.attempt()) - 1 + deliveries(record),
                            startToken(record), job.script() != null || job.hasFlowFields() ? record.value() : null);
                    attempts.add(attempt);
                    deliveries.add(new Delivery(record, attempt, null));
                }
            }
        }
        start(attempts);
        return deliveries;
    }

    /**
     * Each record's admission: START for poison (the decoder names it below) and without flow
     * control; null for every record of the batch when Redis could not answer.
     */
    private List<FlowStore.Admission> admit(List<ConsumerRecord<byte[], byte[]>> records,
                                            List<JobDecoder.Decoded> decoded) {
        List<FlowStore.Admission> out = new ArrayList<>(Collections.nCopies(records.size(),
                FlowStore.Admission.START));
        if (flow == null) {
            return out;
        }
        List<Integer> jobs = new ArrayList<>();
        List<JobMessage> messages = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (decoded.get(i) instanceof JobDecoder.Decoded.Job job) {
                jobs.add(i);
                messages.add(job.job());
                values.add(records.get(i).value());
            }
        }
        try {
            List<FlowStore.Admission> admitted = flow.admit(messages, values);
            for (int j = 0; j < jobs.size(); j++) {
                out.set(jobs.get(j), admitted.get(j));
            }
        } catch (RuntimeException e) {
            LOG.warn("flow control of {} job(s) not checked, handing them back: {}", jobs.size(), e.toString());
            jobs.forEach(i -> out.set(i, null));
        }
        return out;
    }

    @Override
    public boolean waits(Delivery d) {
        return !d.parked && d.attempt != null && d.attempt.waits();
    }

    @Override
    public boolean waitsForRedis(Delivery d) {
        return !d.parked && d.attempt != null && d.attempt.waitsForRedis();
    }

    @Override
    public void retryBegin(List<Delivery> waiting) {
        readmit(waiting);
        List<Attempt> attempts = new ArrayList<>(waiting.size());
        for (Delivery d : waiting) {
            if (!d.parked) {
                attempts.add(d.attempt);
            }
        }
        start(attempts);
    }

    /**
     * Jobs of a concurrency key that waited for another acquisition's lease (their worker died)
     * are admitted again before they take the run over: its slot may have gone to a waiting job.
     */
    private void readmit(List<Delivery> waiting) {
        if (flow == null) {
            return;
        }
        List<Delivery> keyed = waiting.stream().filter(d -> d.attempt.job().concurrencyKey() != null).toList();
        if (keyed.isEmpty()) {
            return;
        }
        List<FlowStore.Admission> admissions;
        try {
            admissions = flow.admit(keyed.stream().map(d -> d.attempt.job()).toList(),
                    keyed.stream().map(d -> d.record.value()).toList());
        } catch (RuntimeException e) {
            LOG.warn("flow control of {} waiting job(s) not checked; trying again: {}", keyed.size(), e.toString());
            return;
        }
        for (int i = 0; i < keyed.size(); i++) {
            if (admissions.get(i).parked()) {
                keyed.get(i).parked = true;
                keyed.get(i).ack = AcknowledgeType.ACCEPT;
            }
        }
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
        return !d.parked && (d.attempt == null || d.attempt.runs());
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
            releaseSlots(attempts);
        }
        List<AcknowledgeType> acks = new ArrayList<>(ended.size());
        for (Delivery d : ended) {
            acks.add(d.attempt != null && d.attempt.unrecorded() ? null : ackOf(d));
        }
        return acks;
    }

    /** Runs that ended for good free their concurrency slots; a run to be retried keeps its own. */
    private void releaseSlots(List<Attempt> attempts) {
        if (flow == null) {
            return;
        }
        List<JobMessage> ended = new ArrayList<>();
        for (Attempt attempt : attempts) {
            if (!attempt.unrecorded() && !(attempt.verdict() instanceof Verdict.Retry)) {
                ended.add(attempt.job());
            }
        }
        flow.ended(ended);
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
        switch (deadLetters.sendPoison(record, d.poison, deliveries(record))) {
            // Keep it in the queue rather than lose it; the delivery limit bounds the loop.
            case FAILED, IN_FLIGHT -> {
                return AcknowledgeType.RELEASE;
            }
            case SENT -> metrics.deadLettered("poison");
            case ALREADY -> { }
        }
        return AcknowledgeType.REJECT;
    }

    private static int deliveries(ConsumerRecord<byte[], byte[]> record) {
        return record.deliveryCount().map(Short::intValue).orElse(1);
    }
}
