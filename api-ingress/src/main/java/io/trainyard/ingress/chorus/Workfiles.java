package io.trainyard.ingress.chorus;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.store.TaskStore;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.auth.Principal;
import io.trainyard.ingress.http.ApiException;
import io.trainyard.ingress.http.Problem;
import io.trainyard.ingress.mlw.Mlw;
import io.trainyard.ingress.submit.Recurrence;
import io.trainyard.ingress.submit.SubmitRequest;
import io.trainyard.ingress.submit.Submissions;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chorus workfiles over Trainyard: a workfile is a WORKFLOW resource (its id is the resource
 * id); running it submits a one-time workflow task, and the workfile remembers its latest task
 * (key {@code ty:{tenant}:workfile:<id>:task}) to tell {@code running} from {@code idle}.
 */
final class Workfiles {
    static final String DIALECT = "chorus";

    /** A workfile with its latest task's runs. */
    record Workfile(Map<String, String> resource, String taskId, List<Map<String, String>> runs) {
        /** Running while a run is queued or running and was not asked to stop. */
        String status() {
            boolean running = runs.stream().anyMatch(r -> ("QUEUED".equals(r.get("status"))
                    || "RUNNING".equals(r.get("status"))) && !"1".equals(r.get("cancelRequested")));
            return running ? "running" : "idle";
        }
    }

    private final UnifiedJedis redis;
    private final TaskStore store;
    private final Mlw mlw;
    private final Submissions submissions;
    private final InstantSource clock;

    Workfiles(UnifiedJedis redis, TaskStore store, Mlw mlw, Submissions submissions, InstantSource clock) {
        this.redis = redis;
        this.store = store;
        this.mlw = mlw;
        this.submissions = submissions;
        this.clock = clock;
    }

    Workfile get(Principal principal, String id) {
        Map<String, String> resource = mlw.resource(principal.tenant(), id)
                .orElseThrow(() -> ApiException.notFound("Workfile " + id));
        String taskId = redis.get(latestTaskKey(principal.tenant(), id));
        return new Workfile(resource, taskId, taskId == null ? List.of() : runs(principal, taskId));
    }

    Workfile run(Principal principal, String id) {
        Workfile workfile = get(principal, id);
        if (!"WORKFLOW".equals(workfile.resource().get("kind"))) {
            throw ApiException.of(Problem.UNSUPPORTED_TYPE, "Workfile " + id + " is not a workflow and cannot run");
        }
        if (workfile.status().equals("running")) {
            throw ApiException.of(Problem.UNPROCESSABLE, "Workfile " + id + " is already running");
        }
        Map<String, String> resource = workfile.resource();
        SubmitRequest request = new SubmitRequest(principal.tenant(), DIALECT, "workfile-" + Ids.next(), JobType.WORKFLOW,
                Recurrence.ONE_TIME, "", ZoneOffset.UTC, null, null, resource.get("projectID"), resource.get("projectName"),
                id, 0, mlw.workflowProperties(principal.tenant(), resource),
                Map.of("resourceName", resource.getOrDefault("name", ""), "createdBy", principal.user()));
        Submissions.Submitted submitted = submissions.submit(request);
        redis.set(latestTaskKey(principal.tenant(), id), submitted.task().get("id"));
        return new Workfile(resource, submitted.task().get("id"), List.of(submitted.run()));
    }

    Workfile stop(Principal principal, String id) {
        Workfile workfile = get(principal, id);
        if (workfile.taskId() != null) {
            for (String runId : store.runIds(principal.tenant(), workfile.taskId())) {
                store.cancelRun(principal.tenant(), runId, clock.millis());
            }
        }
        return get(principal, id);
    }

    private List<Map<String, String>> runs(Principal principal, String taskId) {
        List<Map<String, String>> runs = new ArrayList<>();
        for (String runId : store.runIds(principal.tenant(), taskId)) {
            store.run(principal.tenant(), runId).ifPresent(runs::add);
        }
        return runs;
    }

    private static String latestTaskKey(String tenant, String resourceId) {
        new TenantKeys(tenant); // same tenant rules as every other key
        return "ty:{" + tenant + "}:workfile:" + resourceId + ":task";
    }
}
