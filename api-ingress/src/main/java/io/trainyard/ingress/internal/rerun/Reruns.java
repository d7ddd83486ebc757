package io.trainyard.ingress.internal.rerun;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.json.Json;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.internal.submit.FlowFields;
import io.trainyard.ingress.internal.submit.PublishFailedException;
import io.trainyard.ingress.internal.submit.RecordPublisher;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import redis.clients.jedis.UnifiedJedis;

/**
 * "Run again": a new run of an existing one-time task, its job published as a submit publishes
 * one (and the run taken back when Kafka does not acknowledge it). The task keeps its name, and
 * its runs list every time it ran.
 */
public final class Reruns {
    private static final LuaScript RERUN = LuaScript.load("task_rerun");
    /** How many of a task's latest runs are looked at for one still queued or running. */
    private static final String INSPECTED = "20";

    /** What a rerun did. */
    public sealed interface Outcome {
        record Queued(String runId) implements Outcome {}

        record NoTask() implements Outcome {}

        record Recurring() implements Outcome {}

        record Busy(String activeRunId) implements Outcome {}
    }

    private final UnifiedJedis redis;
    private final RecordPublisher jobs;
    private final long publishMillis;
    private final InstantSource clock;
    private final Consumer<EventLine> events;

    public Reruns(UnifiedJedis redis, RecordPublisher jobs, long publishMillis, InstantSource clock,
                  Consumer<EventLine> events) {
        this.redis = redis;
        this.jobs = jobs;
        this.publishMillis = publishMillis;
        this.clock = clock;
        this.events = events;
    }

    /** Throws {@link PublishFailedException} when Kafka did not take the job (the run is gone again then). */
    public Outcome rerun(String tenant, String taskId, String by) {
        TenantKeys keys = new TenantKeys(tenant);
        Map<String, String> task = redis.hgetAll(keys.task(taskId));
        if (!task.containsKey("id")) {
            return new Outcome.NoTask();
        }
        long now = clock.millis();
        String runId = Ids.next();
        JobType type = JobType.valueOf(task.get("type"));
        long timeout = parse(task.get("timeoutSeconds"));
        Map<String, String> run = RunRecord.queued(runId, taskId, tenant, type, now)
                .with(RunRecord.TASK_NAME, task.getOrDefault("name", ""))
                .with(RunRecord.PROJECT_ID, task.getOrDefault("projectID", ""))
                .with(RunRecord.RESOURCE_ID, task.getOrDefault("resourceID", ""))
                .with(RunRecord.MESSAGE, "Queued again by " + by)
                .with(RunRecord.ATTEMPT, "0")
                .with(RunRecord.TIMEOUT_SECONDS, Long.toString(timeout))
                .fields();
        List<String> args = new ArrayList<>(List.of(INSPECTED));
        run.forEach((k, v) -> { args.add(k); args.add(v); });
        List<?> reply = (List<?>) RERUN.eval(redis, List.of(keys.task(taskId), keys.taskRuns(taskId),
                keys.run(runId)), args);
        long code = (Long) reply.get(0);
        if (code == -1) {
            return new Outcome.NoTask();
        } else if (code == -2) {
            return new Outcome.Recurring();
        } else if (code == -3) {
            return new Outcome.Busy(String.valueOf(reply.get(1)));
        }
        JobMessage job = FlowFields.job(runId, taskId, tenant, type, empty(task.get("projectID")),
                empty(task.get("resourceID")), timeout, now, task);
        try {
            jobs.publish(FlowFields.topic(job), runId, Json.write(job), publishMillis);
        } catch (PublishFailedException e) {
            redis.lrem(keys.taskRuns(taskId), 1, runId);
            redis.del(keys.run(runId));
            throw e;
        }
        events.accept(EventLine.of("submitted").with("task", taskId).with("run", runId).with("tenant", tenant)
                .with("attempt", 1).with("type", type).with("rerun", true).with("by", by));
        return new Outcome.Queued(runId);
    }

    private static long parse(String value) {
        try {
            return value == null || value.isBlank() ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String empty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
