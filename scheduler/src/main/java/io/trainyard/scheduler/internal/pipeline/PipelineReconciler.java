package io.trainyard.scheduler.internal.pipeline;

import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.pipeline.PipelineSteps;
import io.trainyard.common.pipeline.StepState;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * What keeps a pipeline going when the process that ended a step died, beside the run
 * reconciler. Every half interval, per tenant with pipelines:
 * <ul>
 *   <li>the <b>sweep</b>: each running pipeline's open steps whose runs ended are recorded
 *       ({@code pipeline_step_end.lua} reads the runs), which catches ends no worker reported: a
 *       worker killed after its terminal write, a run cancelled while queued, a run the run
 *       reconciler abandoned;</li>
 *   <li>the <b>outbox</b>: each step READY for over half an interval (its job perhaps never
 *       published: the worker that made it READY died before Kafka acknowledged it) is published
 *       and taken out once acknowledged.</li>
 * </ul>
 * Reconcilers side by side may publish one step twice; its run still starts once (start.lua
 * refuses a second start of a run that is held or ended).
 */
public final class PipelineReconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineReconciler.class);
    /** Outbox entries taken per tenant and pass. */
    static final int OUTBOX_PAGE = 1_000;

    private final UnifiedJedis redis;
    private final PipelineSteps steps;
    private final Producer<String, byte[]> producer;
    private final InstantSource clock;
    private final Duration period;
    private final Duration publishTimeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pipeline-reconciler").daemon().factory());

    public PipelineReconciler(UnifiedJedis redis, Producer<String, byte[]> producer, InstantSource clock,
                              Duration interval, Duration publishTimeout, long retentionSeconds) {
        this.redis = redis;
        this.steps = new PipelineSteps(redis, retentionSeconds);
        this.producer = producer;
        this.clock = clock;
        this.period = interval.dividedBy(2);
        this.publishTimeout = publishTimeout;
    }

    public PipelineReconciler start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                reconcile();
            } catch (RuntimeException e) {
                LOG.warn("reconciling pipelines failed; trying again in {} ms: {}", period.toMillis(), e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** What one pass did: step ends it recorded (swept) and outbox entries it published. */
    public record Pass(int sweptPipelines, int published) {}

    /** One pass over every tenant's pipelines. */
    public Pass reconcile() {
        int swept = 0;
        int published = 0;
        for (String tenant : redis.smembers(PipelineKeys.TENANTS)) {
            PipelineKeys keys = new PipelineKeys(tenant);
            for (String pipelineId : redis.smembers(keys.running())) {
                PipelineSteps.Outcome outcome = steps.ended(tenant, pipelineId, List.of(), clock.millis());
                published += publish(tenant, outcome.ready());
                swept++;
            }
            List<PipelineSteps.ReadyStep> stale = new ArrayList<>();
            long before = clock.millis() - period.toMillis();
            for (String member : redis.zrangeByScore(keys.outbox(), Double.NEGATIVE_INFINITY, before, 0, OUTBOX_PAGE)) {
                int cut = member.indexOf('/');
                String pipelineId = member.substring(0, cut);
                String step = member.substring(cut + 1);
                List<String> f = redis.hmget(keys.pipeline(pipelineId), "s:" + step, "r:" + step, "t:" + step,
                        "j:" + step);
                if (StepState.READY.name().equals(f.get(0))) {
                    stale.add(new PipelineSteps.ReadyStep(pipelineId, step, f.get(1), f.get(2),
                            f.get(3).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                } else {
                    redis.zrem(keys.outbox(), member); // no longer READY: nothing to publish
                }
            }
            published += publish(tenant, stale);
        }
        return new Pass(swept, published);
    }

    /** Publishes the steps' jobs and takes each acknowledged one out of the outbox; how many were. */
    private int publish(String tenant, List<PipelineSteps.ReadyStep> ready) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(ready.size());
        for (PipelineSteps.ReadyStep step : ready) {
            sends.add(producer.send(new ProducerRecord<>(step.topic(), step.runId(), step.job())));
        }
        int done = 0;
        for (int i = 0; i < ready.size(); i++) {
            PipelineSteps.ReadyStep step = ready.get(i);
            try {
                sends.get(i).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
                steps.published(tenant, step.pipelineId(), List.of(step.step()));
                LOG.info("pipeline {}/{}: published step {} (run {})", tenant, step.pipelineId(), step.step(),
                        step.runId());
                done++;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("pipeline {}/{}: step {} not published, left in the outbox: {}", tenant, step.pipelineId(),
                        step.step(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return done;
            }
        }
        return done;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
