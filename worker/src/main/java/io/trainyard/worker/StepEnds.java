package io.trainyard.worker;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.pipeline.PipelineSteps;
import io.trainyard.worker.internal.run.RunEnds;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a pipeline step's run ended here: records the step's end in Redis (the script decides,
 * atomically, which children it makes READY and puts them in the outbox), publishes those
 * children's jobs and, once Kafka acknowledged each, takes it out of the outbox. Should this
 * worker die anywhere in between, the reconciler finds the step ended (its sweep) or the child in
 * the outbox, and publishes it; a child published twice still starts once (start.lua).
 */
public final class StepEnds implements RunEnds {
    private static final Logger LOG = LoggerFactory.getLogger(StepEnds.class);
    /**
     * A test hook for the chaos suite: with this system property set to {@code true}, the worker
     * halts (as if killed) right after a step's end made a child READY, before publishing it.
     */
    public static final String HALT_AFTER_STEP_END = "trainyard.test.haltAfterStepEnd";

    private final PipelineSteps steps;
    private final Producer<byte[], byte[]> producer;
    private final InstantSource clock;
    private final boolean haltAfterStepEnd = Boolean.getBoolean(HALT_AFTER_STEP_END);

    public StepEnds(PipelineSteps steps, Producer<byte[], byte[]> producer, InstantSource clock) {
        this.steps = steps;
        this.producer = producer;
        this.clock = clock;
    }

    @Override
    public void ended(List<JobMessage> jobs) {
        Map<String, List<JobMessage>> byPipeline = new LinkedHashMap<>();
        for (JobMessage job : jobs) {
            if (job.partOfPipeline()) {
                byPipeline.computeIfAbsent(job.tenant() + "/" + job.pipelineId(), k -> new java.util.ArrayList<>())
                        .add(job);
            }
        }
        byPipeline.values().forEach(this::endedIn);
    }

    private void endedIn(List<JobMessage> jobs) {
        JobMessage first = jobs.getFirst();
        PipelineSteps.Outcome outcome;
        try {
            outcome = steps.ended(first.tenant(), first.pipelineId(), jobs.stream().map(JobMessage::step).toList(),
                    clock.millis());
        } catch (RuntimeException e) {
            // The reconciler's sweep records it from the run's status.
            LOG.warn("pipeline {}/{}: the end of {} step(s) not recorded yet: {}", first.tenant(), first.pipelineId(),
                    jobs.size(), e.toString());
            return;
        }
        if (haltAfterStepEnd && !outcome.ready().isEmpty()) {
            LOG.warn("halting after a step's end, before publishing {} child step(s) ({})", outcome.ready().size(),
                    HALT_AFTER_STEP_END);
            Runtime.getRuntime().halt(137);
        }
        for (PipelineSteps.ReadyStep ready : outcome.ready()) {
            publish(first.tenant(), ready);
        }
    }

    private void publish(String tenant, PipelineSteps.ReadyStep ready) {
        try {
            producer.send(new ProducerRecord<>(ready.topic(), ready.runId().getBytes(StandardCharsets.UTF_8),
                    ready.job()), (metadata, error) -> {
                        if (error != null) {
                            LOG.warn("pipeline {}/{}: step {} not published ({}); the reconciler publishes it",
                                    tenant, ready.pipelineId(), ready.step(), error.toString());
                            return;
                        }
                        Thread.ofVirtual().start(() -> published(tenant, ready));
                    });
        } catch (RuntimeException e) {
            LOG.warn("pipeline {}/{}: step {} not published ({}); the reconciler publishes it", tenant,
                    ready.pipelineId(), ready.step(), e.toString());
        }
    }

    private void published(String tenant, PipelineSteps.ReadyStep ready) {
        try {
            steps.published(tenant, ready.pipelineId(), List.of(ready.step()));
        } catch (RuntimeException e) {
            // Left in the outbox: the reconciler publishes it again, and its start is refused as a second one.
            LOG.warn("pipeline {}/{}: step {} published but still in the outbox: {}", tenant, ready.pipelineId(),
                    ready.step(), e.toString());
        }
    }
}
