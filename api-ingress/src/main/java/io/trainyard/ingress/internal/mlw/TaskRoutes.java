package io.trainyard.ingress.internal.mlw;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.job.RunRecord;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Responses;
import io.trainyard.ingress.internal.submit.PublishFailedException;
import java.util.Map;

/**
 * {@code /tasks}: list (with {@code pageSize}, {@code currentPage} and the {@code status},
 * {@code type}, {@code project} filters; the body stays MLW's plain array, the totals go in
 * headers), one task with its runs, one run with its output; DELETE stops and removes.
 */
final class TaskRoutes {
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;

    private final Mlw mlw;

    TaskRoutes(Mlw mlw) {
        this.mlw = mlw;
    }

    void routing(HttpRules rules) {
        rules.get("/tasks", mlw.guard.require(Role.READ, this::list))
                .get("/tasks/{taskID}", mlw.guard.require(Role.READ, this::get))
                .delete("/tasks/{taskID}", mlw.guard.require(Role.UPDATE, this::delete))
                .get("/tasks/{taskID}/task/{runID}", mlw.guard.require(Role.READ, this::getRun))
                .delete("/tasks/{taskID}/task/{runID}", mlw.guard.require(Role.UPDATE, this::deleteRun));
    }

    private TaskQueries.Loaded task(ServerRequest req, Principal principal) {
        String id = req.path().pathParameters().get("taskID");
        return mlw.tasks.find(principal.tenant(), id).orElseThrow(() -> ApiException.notFound("Task " + id));
    }

    private Map<String, String> run(ServerRequest req, Principal principal, String taskId) {
        String runId = req.path().pathParameters().get("runID");
        return mlw.tasks.run(principal.tenant(), taskId, runId)
                .orElseThrow(() -> ApiException.notFound("Run " + runId));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        int pageSize = intParam(req, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        int currentPage = intParam(req, "currentPage", 1, 1, Integer.MAX_VALUE);
        var query = req.query();
        var filter = new TaskQueries.Filter(
                query.first("status").orElse(null),
                query.first("type").orElse(null),
                query.first("project").orElseGet(() -> query.first("projectID").orElse(null)));
        TaskQueries.Page page = mlw.tasks.list(principal.tenant(), filter, pageSize, currentPage);
        res.header("X-Total-Count", Long.toString(page.total()));
        res.header("X-Page-Size", Integer.toString(pageSize));
        res.header("X-Current-Page", Integer.toString(currentPage));
        Responses.ok(res, page.tasks().stream().map(TaskView::task).toList());
    }

    private void get(ServerRequest req, ServerResponse res, Principal principal) {
        TaskQueries.Loaded loaded = task(req, principal);
        Responses.ok(res, TaskView.task(loaded));
    }

    private void delete(ServerRequest req, ServerResponse res, Principal principal) {
        Responses.ok(res, TaskView.task(delete(mlw, principal.tenant(), task(req, principal))));
    }

    /** Stops a task's fires (its schedule's tombstone first), cancels its runs and removes it; the task as left. */
    static TaskQueries.Loaded delete(Mlw mlw, String tenant, TaskQueries.Loaded loaded) {
        String taskId = loaded.task().get("id");
        if ("REPEAT".equals(loaded.task().get("recurrence")) || TaskStatus.held(loaded.task())) {
            try {
                mlw.schedules.remove(tenant, taskId);
            } catch (PublishFailedException e) {
                throw ApiException.unavailable("Kafka did not acknowledge the schedule's removal; the task "
                        + "was left as it was, try again shortly", 5, e);
            }
        }
        if (!mlw.tasks.delete(tenant, taskId, mlw.clock.millis())) {
            throw ApiException.notFound("Task " + taskId);
        }
        return mlw.tasks.reread(tenant, loaded);
    }

    private void getRun(ServerRequest req, ServerResponse res, Principal principal) {
        TaskQueries.Loaded loaded = task(req, principal);
        Map<String, String> run = run(req, principal, loaded.task().get("id"));
        Responses.ok(res, TaskView.runWithOutput(run, mlw.tasks.output(principal.tenant(), run.get(RunRecord.ID))));
    }

    private void deleteRun(ServerRequest req, ServerResponse res, Principal principal) {
        TaskQueries.Loaded loaded = task(req, principal);
        Map<String, String> run = run(req, principal, loaded.task().get("id"));
        Map<String, String> after = mlw.tasks.deleteRun(principal.tenant(), loaded.task().get("id"), run.get(RunRecord.ID),
                mlw.clock.millis());
        Responses.ok(res, TaskView.run(after));
    }

    static int intParam(ServerRequest req, String name, int fallback, int min, int max) {
        var value = req.query().first(name);
        if (value.isEmpty() || value.get().isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get().trim());
            if (parsed < min || parsed > max) {
                throw ApiException.invalid(name, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number");
        }
    }
}
