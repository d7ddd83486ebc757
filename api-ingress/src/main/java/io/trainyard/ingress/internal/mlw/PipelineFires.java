package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.json.Json;
import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.pipeline.PipelineRequest;
import io.trainyard.ingress.internal.pipeline.Pipelines;
import io.trainyard.ingress.internal.submit.TaskRecords;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Runs the instances of recurring pipelines. A fire of a recurring pipeline's schedule adds a
 * QUEUED run to its task, the instance's head run, and publishes no job. Every {@link #PERIOD}
 * this starts an instance for each such run (the document's steps stored and queued as for a
 * one-time pipeline, named {@code <pipelineName>@<fire time>}) and moves the run to RUNNING; once
 * the instance ended, the head run ends with its status. So the head run is unfinished exactly as
 * long as its instance is, and the scheduler's overlap policy, which looks at a task's unfinished
 * runs, applies to the whole pipeline. The instance's name is its lock: of two ingresses that
 * start the same fire, one stores it and the other finds it by name.
 */
public final class PipelineFires implements AutoCloseable {
    /** Set of {@code tenant/taskId} of every recurring pipeline's task. Outside every tenant's slot. */
    public static final String ALL = "trainyard:pipeline-schedules";
    static final Duration PERIOD = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(PipelineFires.class);
    private static final LuaScript HEAD = LuaScript.load("pipeline_head");
    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "CANCELLED");

    private final UnifiedJedis redis;
    private final Pipelines pipelines;
    private final Catalog catalog;
    private final InstantSource clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pipeline-fires").daemon().factory());

    public PipelineFires(UnifiedJedis redis, Pipelines pipelines, Catalog catalog, InstantSource clock) {
        this.redis = redis;
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.clock = clock;
        thread.scheduleWithFixedDelay(this::sweep, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The name of the instance a fire starts. */
    static String instanceName(String pipelineName, String fireTime) {
        return pipelineName + "@" + Instant.ofEpochMilli(Long.parseLong(fireTime));
    }

    private void sweep() {
        try {
            for (String member : redis.smembers(ALL)) {
                int slash = member.indexOf('/');
                try {
                    advance(member, member.substring(0, slash), member.substring(slash + 1));
                } catch (RuntimeException e) {
                    LOG.warn("recurring pipeline {} did not move on: {}", member, e.toString());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("recurring pipelines are not looked at this time (Redis: {})", e.toString());
        }
    }

    private void advance(String member, String tenant, String taskId) {
        TenantKeys keys = new TenantKeys(tenant);
        List<String> task = redis.hmget(keys.task(taskId), "id", "name", TaskRecords.PIPELINE_TEMPLATE, "createdBy");
        if (task.get(0) == null) {
            // Deleted: no more fires. An instance already running runs to its end.
            redis.srem(ALL, member);
            return;
        }
        List<String> runIds = redis.lrange(keys.taskRuns(taskId), 0, -1);
        List<Response<List<String>>> runs = new ArrayList<>(runIds.size());
        try (AbstractPipeline pipe = redis.pipelined()) {
            runIds.forEach(id -> runs.add(pipe.hmget(keys.run(id), RunRecord.STATUS, RunRecord.PIPELINE_ID,
                    RunRecord.FIRE_TIME, RunRecord.CANCEL_REQUESTED)));
            pipe.sync();
        }
        for (int i = 0; i < runIds.size(); i++) {
            String runId = runIds.get(i);
            List<String> run = runs.get(i).get();
            if ("QUEUED".equals(run.get(0)) && run.get(1) == null && run.get(2) != null) {
                start(keys, runId, tenant, task.get(1), task.get(2), task.get(3), run.get(2));
            } else if ("RUNNING".equals(run.get(0)) && run.get(1) != null) {
                follow(keys, runId, tenant, run.get(1), "1".equals(run.get(3)));
            }
        }
    }

    /** Stores and queues the instance of one fire, then marks its head run RUNNING. */
    private void start(TenantKeys keys, String runId, String tenant, String name, String template, String createdBy,
                       String fireTime) {
        String instance = instanceName(name, fireTime);
        String pipelineId;
        try {
            JsonNode body = Json.MAPPER.readTree(template);
            PipelineRequest checked = PipelineBody.parse(body,
                    new Principal(tenant, createdBy == null ? "" : createdBy, Set.of(Role.ADMIN)), catalog);
            pipelineId = pipelines.submit(new PipelineRequest(tenant, checked.dialect(), instance,
                    checked.failurePolicy(), checked.graph(), checked.createdBy())).pipeline().get("id");
        } catch (ApiException e) {
            if (e.problem() == Problem.DUPLICATE_NAME) {
                pipelineId = redis.hget(new PipelineKeys(tenant).names(), instance);
            } else if (e.problem() == Problem.UNAVAILABLE) {
                LOG.warn("instance {} of tenant {} not started yet: {}", instance, tenant, e.getMessage());
                return;
            } else {
                // What the document names is gone or no longer valid (a resource deleted): this fire fails.
                move(keys, runId, "QUEUED", "FAILED", "", "Pipeline " + instance + " not started: " + e.getMessage());
                return;
            }
        } catch (IOException e) {
            move(keys, runId, "QUEUED", "FAILED", "", "Pipeline " + instance + " not started: " + e.getMessage());
            return;
        }
        if (pipelineId != null) {
            move(keys, runId, "QUEUED", "RUNNING", pipelineId, "Pipeline " + instance + " running");
        }
    }

    /** Ends a head run with its instance's status once the instance ended; a cancelled head run cancels it. */
    private void follow(TenantKeys keys, String runId, String tenant, String pipelineId, boolean cancelRequested) {
        String status = redis.hget(new PipelineKeys(tenant).pipeline(pipelineId), "status");
        if (status == null) {
            move(keys, runId, "RUNNING", "CANCELLED", pipelineId, "Pipeline " + pipelineId + " is gone");
        } else if (ENDED.contains(status)) {
            move(keys, runId, "RUNNING", status, pipelineId, "Pipeline " + pipelineId + " ended " + status);
        } else if (cancelRequested && "RUNNING".equals(status)) {
            pipelines.cancel(tenant, pipelineId);
        }
    }

    private void move(TenantKeys keys, String runId, String from, String to, String pipelineId, String message) {
        HEAD.eval(redis, List.of(keys.run(runId), keys.inflight()),
                List.of(from, to, pipelineId, Long.toString(clock.millis()), message));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
