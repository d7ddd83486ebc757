package io.trainyard.ingress.internal.maiascore;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.training.WorkflowSpec;
import io.trainyard.ingress.Submissions;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Problem;
import io.trainyard.ingress.internal.submit.FlowFields;
import io.trainyard.ingress.internal.submit.Recurrence;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * maiascore trainings over Trainyard tasks: a training is a one-time WORKFLOW task of the
 * workflow resource its {@code meta} names ({@link WorkflowReference}; else its {@code uuid}).
 * Its id is the task id, so MLW's task endpoints show the same work, and every workflow task
 * started over MLW or Chorus is a training here; once its run finished, the training carries the
 * run's metrics, binaryPath and version.
 */
final class Trainings {
    static final String DIALECT = "maiascore";
    static final String RECORDED = "RECORDED";

    private final TaskStore store;
    private final Catalog catalog;
    private final Submissions submissions;
    private final InstantSource clock;

    Trainings(TaskStore store, Catalog catalog, Submissions submissions, InstantSource clock) {
        this.store = store;
        this.catalog = catalog;
        this.submissions = submissions;
        this.clock = clock;
    }

    Map<String, Object> create(Principal principal, Map<String, String> fields) {
        WorkflowReference reference = WorkflowReference.of(fields.get("meta"), fields.get("uuid"));
        Optional<Map<String, String>> workflow = catalog.resource(principal.tenant(), reference.resourceId())
                .filter(r -> "WORKFLOW".equals(r.get("kind")))
                .filter(r -> reference.projectId() == null || reference.projectId().equals(r.get("projectID")));
        if (workflow.isEmpty() && !reference.named()) {
            return record(principal, fields);
        }
        Map<String, String> resource = workflow
                .orElseThrow(() -> ApiException.notFound("Workflow resource " + reference.resourceId()));
        Map<String, String> extra = new HashMap<>();
        fields.forEach((k, v) -> extra.put(k.equals("uuid") ? "trainingUuid" : k, v));
        extra.put("createdBy", principal.user());
        extra.put("resourceName", resource.getOrDefault("name", ""));
        reference.testSize().ifPresent(t -> extra.put(WorkflowSpec.TASK_TEST_SIZE, Double.toString(t)));
        FlowFields.check(extra);
        SubmitRequest request = new SubmitRequest(principal.tenant(), DIALECT, "training-" + Ids.next(), JobType.WORKFLOW,
                Recurrence.ONE_TIME, "", ZoneOffset.UTC, null, null, resource.get("projectID"), resource.get("projectName"),
                resource.get("id"), 0, catalog.workflowProperties(principal.tenant(), resource), extra);
        Submissions.Submitted submitted = submissions.submit(request);
        return TrainingView.of(submitted.task(), List.of(submitted.run()));
    }

    /**
     * A training whose {@code meta} names no workflow (and whose {@code uuid} is none either) is
     * kept as the document the client sent, as maiascore keeps training results: status
     * RECORDED, nothing runs.
     */
    private Map<String, Object> record(Principal principal, Map<String, String> fields) {
        long now = clock.millis();
        String id = Ids.next();
        Map<String, String> task = new HashMap<>();
        fields.forEach((k, v) -> task.put(k.equals("uuid") ? "trainingUuid" : k, v));
        task.putAll(Map.of("id", id, "name", "training-" + id, "tenant", principal.tenant(), "type", "TRAINING",
                "dialect", DIALECT, "recurrence", "ONE_TIME", "status", RECORDED, "createdAt", Long.toString(now),
                "sortTime", Long.toString(now / 1000), "createdBy", principal.user()));
        store.submit(principal.tenant(), task.get("name"), now, task, null);
        return TrainingView.of(task, List.of());
    }

    List<Map<String, Object>> all(Principal principal) {
        List<Map<String, Object>> trainings = new ArrayList<>();
        long total = store.taskCount(principal.tenant());
        for (String id : store.taskIds(principal.tenant(), 0, Math.max(total, 1))) {
            find(principal, id).ifPresent(trainings::add);
        }
        return trainings;
    }

    Optional<Map<String, Object>> find(Principal principal, String id) {
        if (!ResourceFiles.isSafeId(id)) {
            return Optional.empty();
        }
        return store.task(principal.tenant(), id)
                .filter(Trainings::isTraining)
                .map(task -> TrainingView.of(task, runs(principal, id)));
    }

    /**
     * A training is any workflow training, whichever dialect started it (one engine, one view:
     * an MLW workflow task or a Chorus workfile run shows here too), and what maiascore recorded.
     */
    static boolean isTraining(Map<String, String> task) {
        return DIALECT.equals(task.get("dialect")) || "WORKFLOW".equals(task.get("type"));
    }

    /**
     * Cancels the training's queued or running run and answers the training as the cancel left
     * it: CANCELLED when its run had not started, CANCELLING while a worker stops a running one.
     * A training with nothing left to cancel (recorded, finished) is a 409.
     */
    Map<String, Object> cancel(Principal principal, String id) {
        Map<String, Object> before = find(principal, id).orElseThrow(() -> ApiException.notFound("Training " + id));
        List<String> active = new ArrayList<>();
        for (Map<String, String> run : runs(principal, id)) {
            String status = run.get(RunRecord.STATUS);
            if ("QUEUED".equals(status) || "RUNNING".equals(status)) {
                active.add(run.get(RunRecord.ID));
            }
        }
        if (active.isEmpty()) {
            throw ApiException.of(Problem.CONFLICT, "Training " + id + " is " + before.get("status")
                    + ": nothing is queued or running to cancel");
        }
        for (String runId : active) {
            store.cancelRun(principal.tenant(), runId, clock.millis());
        }
        return find(principal, id).orElseThrow(() -> ApiException.notFound("Training " + id));
    }

    private List<Map<String, String>> runs(Principal principal, String taskId) {
        List<Map<String, String>> runs = new ArrayList<>();
        for (String runId : store.runIds(principal.tenant(), taskId)) {
            store.run(principal.tenant(), runId).ifPresent(runs::add);
        }
        return runs;
    }
}
