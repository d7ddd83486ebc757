package io.trainyard.common.pipeline;

import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The pipeline scripts every service calls: a step's end (worker, reconciler), a pipeline's
 * cancel (ingress), a ready step's job on Kafka (whoever published it). See
 * {@code pipeline_step_end.lua} for why each child starts once.
 */
public final class PipelineSteps {
    private static final LuaScript STEP_END = LuaScript.load("pipeline_step_end");
    private static final LuaScript PUBLISHED = LuaScript.load("pipeline_published");

    /** A step whose parents all completed: publish {@code job} on {@code topic}, keyed by {@code runId}. */
    public record ReadyStep(String pipelineId, String step, String runId, String topic, byte[] job) {}

    /** What a call changed: the steps it made READY and the pipeline's status after it ('' when none). */
    public record Outcome(List<ReadyStep> ready, String status) {}

    private final UnifiedJedis redis;
    private final long retentionSeconds;

    public PipelineSteps(UnifiedJedis redis, long retentionSeconds) {
        this.redis = redis;
        this.retentionSeconds = retentionSeconds;
    }

    /** Records the ends of {@code steps} whose runs ended (an empty list: every open step's). */
    public Outcome ended(String tenant, String pipelineId, Collection<String> steps, long nowMillis) {
        return call(tenant, pipelineId, "end", steps, nowMillis);
    }

    /** Cancels the pipeline: its steps not started end CANCELLED, its running ones are told to stop. */
    public Outcome cancel(String tenant, String pipelineId, long nowMillis) {
        return call(tenant, pipelineId, "cancel", List.of(), nowMillis);
    }

    /** {@code steps}' jobs are on Kafka: they leave the outbox. */
    public void published(String tenant, String pipelineId, Collection<String> steps) {
        PipelineKeys keys = new PipelineKeys(tenant);
        List<String> args = new ArrayList<>(steps.size() + 1);
        args.add(pipelineId);
        args.addAll(steps);
        PUBLISHED.eval(redis, List.of(keys.pipeline(pipelineId), keys.outbox()), args);
    }

    private Outcome call(String tenant, String pipelineId, String mode, Collection<String> steps, long nowMillis) {
        PipelineKeys keys = new PipelineKeys(tenant);
        List<String> args = new ArrayList<>(steps.size() + 6);
        args.add(pipelineId);
        args.add(Long.toString(nowMillis));
        args.add(Long.toString(retentionSeconds));
        args.add(mode);
        args.add(TenantKeys.CANCEL_CHANNEL);
        args.add(tenant);
        args.addAll(steps);
        List<?> reply = (List<?>) STEP_END.eval(redis,
                List.of(keys.pipeline(pipelineId), keys.outbox(), keys.running()), args);
        List<?> flat = (List<?>) reply.get(0);
        List<ReadyStep> ready = new ArrayList<>(flat.size() / 4);
        for (int i = 0; i + 3 < flat.size(); i += 4) {
            ready.add(new ReadyStep(pipelineId, text(flat.get(i)), text(flat.get(i + 1)), text(flat.get(i + 2)),
                    text(flat.get(i + 3)).getBytes(StandardCharsets.UTF_8)));
        }
        return new Outcome(ready, text(reply.get(1)));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
