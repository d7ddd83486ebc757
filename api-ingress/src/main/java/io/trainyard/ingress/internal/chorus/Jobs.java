package io.trainyard.ingress.internal.chorus;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.pipeline.FailurePolicy;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.pipeline.PipelineGraph;
import io.trainyard.ingress.internal.pipeline.PipelineRequest;
import io.trainyard.ingress.internal.pipeline.PipelineStep;
import io.trainyard.ingress.internal.pipeline.Pipelines;
import io.trainyard.ingress.internal.submit.PublishFailedException;
import io.trainyard.ingress.internal.submit.Recurrence;
import io.trainyard.ingress.internal.submit.ScheduleSink;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chorus jobs: a named list of workflow workfiles (its tasks) run one after the other, on demand
 * or on an interval rule. A scheduled job's first task is a REPEAT workflow task whose schedule
 * the scheduler fires (Chorus's interval rules are the scheduler's {@code IntervalRule}); a run
 * on demand submits its tasks as one pipeline, a chain (task n+1 depends on task n, failFast), so
 * the pipeline engine starts each task once the one before it COMPLETED and a task that failed
 * or was stopped cancels the rest; a fire's first task is the schedule's run, and once it
 * COMPLETED the remaining tasks follow as such a pipeline. {@link #advance} (called on every read
 * and by {@link JobSweeper}) follows the run: a job is a hash {@code ty:{tenant}:chorus:job:<id>}
 * whose {@code step}, {@code stepTask}, {@code stepRun} say which task runs, and {@code pipeline}
 * which pipeline runs the rest; these move only through {@code chorus_job_step.lua}, so of several
 * ingress instances exactly one submits the pipeline.
 */
final class Jobs {
    /** Every job of every tenant, as {@code tenant/jobId}: what the sweeper looks at. */
    static final String ALL = "trainyard:chorus-jobs";
    static final String PENDING = "pending";
    private static final LuaScript STEP = LuaScript.load("chorus_job_step");

    private final UnifiedJedis redis;
    private final ChorusIds ids;
    private final Workfiles workfiles;
    private final TaskStore store;
    private final Catalog catalog;
    private final Submissions submissions;
    private final ScheduleSink schedules;
    private final Pipelines pipelines;
    private final InstantSource clock;

    Jobs(UnifiedJedis redis, ChorusIds ids, Workfiles workfiles, TaskStore store, Catalog catalog, Submissions submissions,
         ScheduleSink schedules, Pipelines pipelines, InstantSource clock) {
        this.pipelines = pipelines;
        this.redis = redis;
        this.ids = ids;
        this.workfiles = workfiles;
        this.store = store;
        this.catalog = catalog;
        this.submissions = submissions;
        this.schedules = schedules;
        this.clock = clock;
    }

    Map<String, String> create(Principal principal, JobBody body) {
        String tenant = principal.tenant();
        String workspace = ChorusIds.parse(body.workspaceId())
                .flatMap(n -> ids.trainyardId(tenant, ChorusIds.Kind.WORKSPACE, n)).orElse(body.workspaceId());
        Map<String, String> project = catalog.project(tenant, workspace)
                .orElseThrow(() -> ApiException.notFound("Workspace " + body.workspaceId()));
        List<String> resources = new ArrayList<>();
        for (String id : body.workfileIds()) {
            Workfiles.Workfile workfile = workfiles.get(principal, id);
            Workfiles.requireRunnable(workfile);
            if (!project.get("id").equals(workfile.resource().get("projectID"))) {
                throw ApiException.invalid("workfile_ids", "workfile " + id + " is not in workspace " + body.workspaceId());
            }
            resources.add(workfile.id());
        }
        String jobId = Ids.next();
        Map<String, String> job = new LinkedHashMap<>();
        job.put("id", jobId);
        job.put("name", body.name());
        job.put("workspaceId", project.get("id"));
        job.put("workfiles", String.join(",", resources));
        job.put("intervalUnit", body.intervalUnit());
        job.put("owner", principal.user());
        job.put("createdAt", Long.toString(clock.millis()));
        job.put("step", "");
        if (body.timing() != null) {
            var rule = (io.trainyard.common.schedule.IntervalRule) body.timing().rule();
            job.put("intervalValue", Long.toString(rule.value()));
            job.put("nextRun", Long.toString(body.timing().start().toEpochMilli()));
            job.put("endRun", body.timing().end() == null ? "" : Long.toString(body.timing().end().toEpochMilli()));
            job.put("timeZone", rule.zone().getId());
            Map<String, String> first = catalog.resource(tenant, resources.get(0)).orElseThrow();
            SubmitRequest request = new SubmitRequest(tenant, Workfiles.DIALECT, "job-" + jobId, JobType.WORKFLOW,
                    Recurrence.REPEAT, "", rule.zone(), body.timing().start(), body.timing(), first.get("projectID"),
                    first.get("projectName"), first.get("id"), 0, catalog.workflowProperties(tenant, first),
                    Map.of("resourceName", first.getOrDefault("name", ""), "createdBy", principal.user(),
                            "chorusJob", jobId));
            job.put("scheduleTask", submissions.submit(request).task().get("id"));
        }
        redis.hset(key(tenant, jobId), job);
        redis.zadd(index(tenant), clock.millis(), jobId);
        redis.sadd(ALL, tenant + "/" + jobId);
        return job;
    }

    List<Map<String, String>> list(Principal principal) {
        List<Map<String, String>> jobs = new ArrayList<>();
        for (String jobId : redis.zrange(index(principal.tenant()), 0, -1)) {
            find(principal.tenant(), jobId).ifPresent(jobs::add);
        }
        return jobs;
    }

    Map<String, String> get(Principal principal, String pathId) {
        String tenant = principal.tenant();
        String jobId = ChorusIds.parse(pathId).flatMap(n -> ids.trainyardId(tenant, ChorusIds.Kind.JOB, n))
                .orElse(pathId);
        return find(tenant, jobId).orElseThrow(() -> ApiException.notFound("Job " + pathId));
    }

    private Optional<Map<String, String>> find(String tenant, String jobId) {
        if (!io.trainyard.common.resource.ResourceFiles.isSafeId(jobId)) {
            return Optional.empty();
        }
        advance(tenant, jobId);
        Map<String, String> job = redis.hgetAll(key(tenant, jobId));
        return job.isEmpty() ? Optional.empty() : Optional.of(job);
    }

    /** Runs the job from its first task; only an idle job runs (else 422, as Chorus answers). */
    Map<String, String> run(Principal principal, String pathId) {
        Map<String, String> job = get(principal, pathId);
        String tenant = principal.tenant();
        if (!job.get("step").isEmpty() || !step(tenant, job.get("id"), "step", "", "step", "0", "stepRun", PENDING,
                "stopping", "")) {
            throw ApiException.of(Problem.UNPROCESSABLE, "Job " + pathId + " is " + status(tenant, job)
                    + "; only an idle job can run");
        }
        submitRest(tenant, job, 0, principal.user());
        return redis.hgetAll(key(tenant, job.get("id")));
    }

    /** Stops the job's run: its current task is cancelled and no further task starts. */
    Map<String, String> stop(Principal principal, String pathId) {
        Map<String, String> job = get(principal, pathId);
        String tenant = principal.tenant();
        if (!job.get("step").isEmpty()) {
            redis.hset(key(tenant, job.get("id")), "stopping", "1");
            cancelRun(tenant, job);
            advance(tenant, job.get("id"));
        }
        return redis.hgetAll(key(tenant, job.get("id")));
    }

    /** Deletes the job: its schedule goes, a running task is stopped. */
    Map<String, String> delete(Principal principal, String pathId) {
        Map<String, String> job = get(principal, pathId);
        String tenant = principal.tenant();
        String scheduleTask = job.getOrDefault("scheduleTask", "");
        if (!scheduleTask.isEmpty()) {
            try {
                schedules.remove(tenant, scheduleTask);
            } catch (PublishFailedException e) {
                throw ApiException.unavailable("Kafka did not acknowledge the schedule's removal; the job was left "
                        + "as it was, try again shortly", 5, e);
            }
            catalog.deleteTask(tenant, scheduleTask);
        }
        cancelRun(tenant, job);
        redis.del(key(tenant, job.get("id")));
        redis.zrem(index(tenant), job.get("id"));
        redis.srem(ALL, tenant + "/" + job.get("id"));
        job.put("step", "");
        return job;
    }

    /** idle, enqueued (its task is queued), running, or stopping, as Chorus names a job's state. */
    String status(String tenant, Map<String, String> job) {
        if (job.getOrDefault("step", "").isEmpty()) {
            return "idle";
        }
        if ("1".equals(job.get("stopping"))) {
            return "stopping";
        }
        String run = job.getOrDefault("stepRun", "");
        String status = run.equals(PENDING) ? "QUEUED"
                : store.run(tenant, run).map(r -> r.get(RunRecord.STATUS)).orElse("QUEUED");
        return "QUEUED".equals(status) ? "enqueued" : "running";
    }

    /**
     * Moves a job's run on: an idle scheduled job whose schedule fired starts a run at that
     * fire's run; a task that COMPLETED is followed by the next one; a job whose last task ended,
     * or whose task failed or was stopped, is idle again.
     */
    void advance(String tenant, String jobId) {
        Map<String, String> job = redis.hgetAll(key(tenant, jobId));
        if (job.isEmpty()) {
            redis.srem(ALL, tenant + "/" + jobId);
            return;
        }
        String step = job.getOrDefault("step", "");
        String runId = job.getOrDefault("stepRun", "");
        if (step.isEmpty()) {
            latestFire(tenant, job).filter(fire -> !fire.equals(job.getOrDefault("lastFire", "")))
                    .ifPresent(fire -> step(tenant, jobId, "step", "", "step", "0", "stepTask", job.get("scheduleTask"),
                            "stepRun", fire, "lastFire", fire, "stopping", ""));
            return;
        }
        if (runId.equals(PENDING)) {
            return;
        }
        String pipelineId = job.getOrDefault("pipeline", "");
        if (!pipelineId.isEmpty()) {
            followPipeline(tenant, job, pipelineId);
            return;
        }
        String status = store.run(tenant, runId).map(r -> r.get(RunRecord.STATUS)).orElse("CANCELLED");
        if ("QUEUED".equals(status) || "RUNNING".equals(status)) {
            return;
        }
        int next = Integer.parseInt(step) + 1;
        boolean more = next < workfiles(job).size() && !"1".equals(job.get("stopping"));
        if ("COMPLETED".equals(status) && more) {
            if (step(tenant, jobId, "stepRun", runId, "step", Integer.toString(next), "stepRun", PENDING)) {
                submitRest(tenant, job, next, job.get("owner"));
            }
        } else {
            idle(tenant, job, runId, "COMPLETED".equals(status));
        }
    }

    /** The job's run is its pipeline's: the task running is its first step not COMPLETED; idle once it ended. */
    private void followPipeline(String tenant, Map<String, String> job, String pipelineId) {
        String jobId = job.get("id");
        String runId = job.get("stepRun");
        Optional<Pipelines.Loaded> found = pipelines.find(tenant, pipelineId);
        String status = found.map(p -> p.pipeline().get("status")).orElse("CANCELLED");
        if (!"RUNNING".equals(status) && !"CANCELLING".equals(status)) {
            idle(tenant, job, runId, "COMPLETED".equals(status));
            return;
        }
        Pipelines.Loaded p = found.get();
        List<String> steps = p.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (!"COMPLETED".equals(p.pipeline().get("s:" + steps.get(i)))) {
                String run = p.pipeline().get("r:" + steps.get(i));
                if (!run.equals(runId)) {
                    step(tenant, jobId, "stepRun", runId, "step", steps.get(i), "stepRun", run,
                            "stepTask", p.pipeline().get("k:" + steps.get(i)));
                }
                return;
            }
        }
    }

    /** The job's run ended: idle again, with how it went. */
    private void idle(String tenant, Map<String, String> job, String runId, boolean completed) {
        step(tenant, job.get("id"), "stepRun", runId, "step", "", "stepRun", "", "stepTask", "", "stopping", "",
                "pipeline", "", "lastRun", Long.toString(clock.millis()), "lastRunFailed", completed ? "0" : "1",
                "lastFire", latestFire(tenant, job).orElse(job.getOrDefault("lastFire", "")));
    }

    /** Stops the job's run: its pipeline is cancelled, or (a fire's first task) its run. */
    private void cancelRun(String tenant, Map<String, String> job) {
        String pipelineId = job.getOrDefault("pipeline", "");
        String run = job.getOrDefault("stepRun", "");
        if (!pipelineId.isEmpty()) {
            pipelines.cancel(tenant, pipelineId);
        } else if (!run.isEmpty() && !run.equals(PENDING)) {
            store.cancelRun(tenant, run, clock.millis());
        }
    }

    /**
     * Submits the job's tasks from {@code from} on as one pipeline: a chain of one-time workflow
     * trainings, step {@code n} named after its task's index (1-based); a failed submit ends the run.
     */
    private void submitRest(String tenant, Map<String, String> job, int from, String user) {
        String jobId = job.get("id");
        try {
            List<String> files = workfiles(job);
            List<PipelineStep> steps = new ArrayList<>();
            for (int index = from; index < files.size(); index++) {
                int n = index + 1;
                Map<String, String> resource = catalog.resource(tenant, files.get(index))
                        .orElseThrow(() -> ApiException.notFound("Workfile of task " + n + " of job " + jobId));
                SubmitRequest task = workfiles.request(new Principal(tenant, user, java.util.Set.of()), resource,
                        "job-" + jobId + "-" + n + "-" + Ids.next());
                steps.add(new PipelineStep(Integer.toString(n), task.type(), task.projectId(), task.projectName(),
                        task.resourceId(), null, 0, index == from ? List.of() : List.of(Integer.toString(n - 1)),
                        task.propertiesJson(), task.extra(), task.name()));
            }
            Pipelines.Loaded p = pipelines.submit(new PipelineRequest(tenant, Workfiles.DIALECT,
                    "job-" + jobId + "-" + Ids.next(), FailurePolicy.FAIL_FAST, PipelineGraph.of(steps), user));
            String first = Integer.toString(from + 1);
            redis.hset(key(tenant, jobId), Map.of("pipeline", p.pipeline().get("id"), "step", first,
                    "stepTask", p.pipeline().get("k:" + first), "stepRun", p.pipeline().get("r:" + first)));
        } catch (RuntimeException e) {
            redis.hset(key(tenant, jobId), Map.of("step", "", "stepRun", "", "stepTask", "", "stopping", "",
                    "pipeline", "", "lastRun", Long.toString(clock.millis()), "lastRunFailed", "1"));
            throw e;
        }
    }

    private Optional<String> latestFire(String tenant, Map<String, String> job) {
        String task = job.getOrDefault("scheduleTask", "");
        if (task.isEmpty()) {
            return Optional.empty();
        }
        List<String> runs = store.runIds(tenant, task);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
    }

    static List<String> workfiles(Map<String, String> job) {
        return Arrays.asList(job.getOrDefault("workfiles", "").split(","));
    }

    private boolean step(String tenant, String jobId, String field, String expected, String... pairs) {
        List<String> args = new ArrayList<>(List.of(field, expected));
        args.addAll(List.of(pairs));
        return Long.valueOf(1).equals(STEP.eval(redis, List.of(key(tenant, jobId)), args));
    }

    private static String key(String tenant, String jobId) {
        return prefix(tenant) + "job:" + jobId;
    }

    private static String index(String tenant) {
        return prefix(tenant) + "jobs";
    }

    private static String prefix(String tenant) {
        new TenantKeys(tenant); // same tenant rules as every other key
        return "ty:{" + tenant + "}:chorus:";
    }
}
