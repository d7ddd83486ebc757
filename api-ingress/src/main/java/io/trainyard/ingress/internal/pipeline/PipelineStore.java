package io.trainyard.ingress.internal.pipeline;

import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/** Pipelines in Redis as the ingress sees them: create (atomically, with every step's task and run), read, list. */
public final class PipelineStore {
    private static final LuaScript SUBMIT = LuaScript.load("pipeline_submit");
    private static final LuaScript UNSUBMIT = LuaScript.load("pipeline_unsubmit");

    /** One step's records, as {@code pipeline_submit.lua} writes them. */
    public record StepRecords(String step, Map<String, String> task, Map<String, String> run, boolean ready) {}

    private final UnifiedJedis redis;

    public PipelineStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Writes the pipeline; empty when created, else the id of the pipeline already holding {@code name}. */
    public Optional<String> create(String tenant, String name, String pipelineId, long nowMillis,
                                   Map<String, String> pipeline, List<StepRecords> steps) {
        PipelineKeys keys = new PipelineKeys(tenant);
        List<String> args = new ArrayList<>();
        args.add(name);
        args.add(pipelineId);
        args.add(Long.toString(nowMillis));
        pairs(args, pipeline);
        args.add(Integer.toString(steps.size()));
        for (StepRecords s : steps) {
            args.add(s.step());
            args.add(s.task().get("id"));
            pairs(args, s.task());
            args.add(s.run().get("id"));
            pairs(args, s.run());
            args.add(s.ready() ? "1" : "0");
        }
        List<?> reply = (List<?>) SUBMIT.eval(redis, List.of(keys.names(), keys.pipeline(pipelineId), keys.pipelines(),
                keys.running(), keys.outbox(), new TenantKeys(tenant).tasks()), args);
        // Outside the tenant's slot, so not in the script: where the reconciler finds this tenant.
        redis.sadd(PipelineKeys.TENANTS, tenant);
        return ((Long) reply.get(0)) == 1L ? Optional.empty() : Optional.of((String) reply.get(1));
    }

    /**
     * Undoes a pipeline whose first jobs Kafka did not acknowledge: frees its name, removes it
     * and its steps' tasks; its runs end CANCELLED and expire after {@code keepSeconds}.
     */
    public void unsubmit(String tenant, String name, String pipelineId, long nowMillis, long keepSeconds) {
        PipelineKeys keys = new PipelineKeys(tenant);
        UNSUBMIT.eval(redis, List.of(keys.names(), keys.pipeline(pipelineId), keys.pipelines(), keys.running(),
                keys.outbox(), new TenantKeys(tenant).tasks()), List.of(name, pipelineId, Long.toString(nowMillis),
                Long.toString(keepSeconds)));
    }

    private static void pairs(List<String> args, Map<String, String> fields) {
        args.add(Integer.toString(fields.size()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
    }

    public Optional<Map<String, String>> pipeline(String tenant, String pipelineId) {
        Map<String, String> fields = redis.hgetAll(new PipelineKeys(tenant).pipeline(pipelineId));
        return fields.isEmpty() ? Optional.empty() : Optional.of(fields);
    }

    /** Pipeline ids of a tenant, newest first, one page. */
    public List<String> ids(String tenant, long offset, long count) {
        return redis.zrevrange(new PipelineKeys(tenant).pipelines(), offset, offset + count - 1);
    }

    public long count(String tenant) {
        return redis.zcard(new PipelineKeys(tenant).pipelines());
    }

    /** The statuses of runs, in order (null for a run that expired). */
    public List<String> runStatuses(String tenant, List<String> runIds) {
        TenantKeys keys = new TenantKeys(tenant);
        List<String> out = new ArrayList<>(runIds.size());
        try (var pipe = redis.pipelined()) {
            List<redis.clients.jedis.Response<String>> replies = new ArrayList<>();
            for (String id : runIds) {
                replies.add(pipe.hget(keys.run(id), "status"));
            }
            pipe.sync();
            replies.forEach(r -> out.add(r.get()));
        }
        return out;
    }
}
