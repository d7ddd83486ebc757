package io.trainyard.worker.internal.poll;

import io.trainyard.common.flow.FlowStore.Admission;
import io.trainyard.common.flow.FlowStore.Release;
import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.job.JobMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of flow control: before a batch starts, which jobs may run ({@link FlowStore#admit});
 * the others are parked in Redis and their records accepted, with no attempt spent and no slot
 * held. When a run of a concurrency key ends, its slot goes to the oldest waiting job of the key,
 * which is published again at once (the send is not awaited: a job whose send fails is published
 * by the reconciler after the publish deadline).
 */
public final class FlowAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(FlowAdmission.class);

    private final FlowStore flows;
    private final Producer<byte[], byte[]> producer;

    public FlowAdmission(FlowStore flows, Producer<byte[], byte[]> producer) {
        this.flows = flows;
        this.producer = producer;
    }

    /** Each job's admission, in order; throws when Redis could not answer (the records are handed back). */
    List<Admission> admit(List<JobMessage> jobs, List<byte[]> messages) {
        return jobs.isEmpty() ? List.of() : flows.admit(jobs, messages);
    }

    /** Runs of concurrency keys ended: frees their slots and publishes the jobs promoted into them. */
    void ended(List<JobMessage> jobs) {
        for (JobMessage job : jobs) {
            if (job.concurrencyKey() == null) {
                continue;
            }
            try {
                publish(flows.release(job.tenant(), job.concurrencyKey(), job.runId()));
            } catch (RuntimeException e) {
                // Its slot frees when the sweep finds the run ended.
                LOG.warn("run {}/{}: slot of concurrency key {} not released yet: {}", job.tenant(), job.runId(),
                        job.concurrencyKey(), e.toString());
            }
        }
    }

    private void publish(List<Release> releases) {
        for (Release r : releases) {
            producer.send(new ProducerRecord<>(r.topic(), r.runId().getBytes(StandardCharsets.UTF_8), r.message()),
                    (metadata, failure) -> {
                        if (failure == null) {
                            flows.published(List.of(r));
                        } else {
                            LOG.warn("run {}/{}: promoted job not published ({}); the reconciler will",
                                    r.tenant(), r.runId(), failure.toString());
                        }
                    });
        }
    }
}
