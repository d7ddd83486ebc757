package io.trainyard.ingress.internal.chorus;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.submit.Recurrence;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chorus workfiles over Trainyard: a workfile is a resource of a project (Chorus's workspace),
 * known to Chorus clients by its integer id ({@link ChorusIds}; the Trainyard id is accepted
 * too). Running a workflow workfile submits a one-time workflow task; its status follows the
 * resource's latest task whichever dialect started it ({@link TaskStore#latestTask}), so a
 * training started over MLW shows the workfile {@code running} as well.
 */
final class Workfiles {
    static final String DIALECT = "chorus";

    /** A workfile: its resource, Chorus id, and its latest task with that task's runs. */
    record Workfile(Map<String, String> resource, long chorusId, String taskId, List<Map<String, String>> runs) {
        /** Running while a run is queued or running and was not asked to stop. */
        String status() {
            boolean running = runs.stream().anyMatch(r -> ("QUEUED".equals(r.get(RunRecord.STATUS))
                    || "RUNNING".equals(r.get(RunRecord.STATUS))) && !"1".equals(r.get(RunRecord.CANCEL_REQUESTED)));
            return running ? "running" : "idle";
        }

        String id() {
            return resource.get("id");
        }
    }

    private final ChorusIds ids;
    private final TaskStore store;
    private final Catalog catalog;
    private final Submissions submissions;
    private final InstantSource clock;

    Workfiles(ChorusIds ids, TaskStore store, Catalog catalog, Submissions submissions, InstantSource clock) {
        this.ids = ids;
        this.store = store;
        this.catalog = catalog;
        this.submissions = submissions;
        this.clock = clock;
    }

    /** The workfile a path names, by its Chorus id or its Trainyard id; 404 when there is none. */
    Workfile get(Principal principal, String pathId) {
        String tenant = principal.tenant();
        Optional<String> trainyardId = ChorusIds.parse(pathId)
                .map(n -> ids.trainyardId(tenant, ChorusIds.Kind.WORKFILE, n))
                .orElseGet(() -> ResourceFiles.isSafeId(pathId) ? Optional.of(pathId) : Optional.empty());
        Map<String, String> resource = trainyardId.flatMap(id -> catalog.resource(tenant, id))
                .orElseThrow(() -> ApiException.notFound("Workfile " + pathId));
        String taskId = store.latestTask(tenant, resource.get("id")).orElse(null);
        return new Workfile(resource, ids.of(tenant, ChorusIds.Kind.WORKFILE, resource.get("id")), taskId,
                taskId == null ? List.of() : runs(tenant, taskId));
    }

    Workfile run(Principal principal, String pathId) {
        Workfile workfile = get(principal, pathId);
        requireRunnable(workfile);
        if (workfile.status().equals("running")) {
            throw ApiException.of(Problem.UNPROCESSABLE, "Workfile " + workfile.chorusId() + " is already running");
        }
        Submissions.Submitted submitted = submissions.submit(request(principal, workfile.resource(),
                "workfile-" + Ids.next()));
        return new Workfile(workfile.resource(), workfile.chorusId(), submitted.task().get("id"),
                List.of(submitted.run()));
    }

    /** Only a workflow runs; Chorus answers anything else 422 not_runnable. */
    static void requireRunnable(Workfile workfile) {
        if (!"WORKFLOW".equals(workfile.resource().get("kind"))) {
            throw ApiException.of(Problem.UNSUPPORTED_TYPE, "Workfile " + workfile.chorusId()
                    + " is not a workflow and cannot run");
        }
    }

    /** A one-time training of a workflow workfile, as Chorus submits it. */
    SubmitRequest request(Principal principal, Map<String, String> resource, String name) {
        return new SubmitRequest(principal.tenant(), DIALECT, name, JobType.WORKFLOW, Recurrence.ONE_TIME, "",
                ZoneOffset.UTC, null, null, resource.get("projectID"), resource.get("projectName"), resource.get("id"),
                0, catalog.workflowProperties(principal.tenant(), resource),
                Map.of("resourceName", resource.getOrDefault("name", ""), "createdBy", principal.user()));
    }

    Workfile stop(Principal principal, String pathId) {
        Workfile workfile = get(principal, pathId);
        if (workfile.taskId() != null) {
            for (String runId : store.runIds(principal.tenant(), workfile.taskId())) {
                store.cancelRun(principal.tenant(), runId, clock.millis());
            }
        }
        return get(principal, Long.toString(workfile.chorusId()));
    }

    private List<Map<String, String>> runs(String tenant, String taskId) {
        List<Map<String, String>> runs = new ArrayList<>();
        for (String runId : store.runIds(tenant, taskId)) {
            store.run(tenant, runId).ifPresent(runs::add);
        }
        return runs;
    }
}
