package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.ingress.internal.auth.Guard;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.auth.Role;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Bodies;
import io.trainyard.ingress.internal.http.Responses;
import io.trainyard.ingress.internal.pipeline.Pipelines;
import io.trainyard.ingress.internal.submit.SubmitRequest;
import io.trainyard.ingress.internal.submit.TaskRecords;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code /pipelines} in the MLW API: submit a graph of steps (ADMIN, as running code is), list
 * (paged like {@code /tasks}), read one with its steps, and DELETE to cancel it (the record stays,
 * CANCELLED). A document with {@code recurrence: "REPEAT"} is a recurring pipeline
 * ({@link PipelineSchedule}): its id is its task's, GET shows its instances and DELETE stops its
 * fires.
 */
public final class PipelineRoutes implements HttpService {
    private final Pipelines pipelines;
    private final Catalog catalog;
    private final Guard guard;
    private final Bodies bodies;
    private final Mlw mlw;
    private final UnifiedJedis redis;

    public PipelineRoutes(Pipelines pipelines, Catalog catalog, Guard guard, Bodies bodies, Mlw mlw,
                          UnifiedJedis redis) {
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.guard = guard;
        this.bodies = bodies;
        this.mlw = mlw;
        this.redis = redis;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/pipelines", guard.require(Role.ADMIN, this::submit))
                .get("/pipelines", guard.require(Role.READ, this::list))
                .get("/pipelines/{pipelineID}", guard.require(Role.READ, this::get))
                .delete("/pipelines/{pipelineID}", guard.require(Role.UPDATE, this::cancel));
    }

    private void submit(ServerRequest req, ServerResponse res, Principal principal) {
        JsonNode body = bodies.jsonObject(req);
        var request = PipelineBody.parse(body, principal, catalog);
        Optional<SubmitRequest> recurring = PipelineSchedule.parse(body, request, principal, mlw.clock.instant());
        if (recurring.isEmpty()) {
            Responses.ok(res, PipelineView.of(pipelines.submit(request)));
            return;
        }
        String taskId = mlw.submissions.submit(recurring.get()).task().get("id");
        redis.sadd(PipelineFires.ALL, principal.tenant() + "/" + taskId);
        Responses.ok(res, PipelineSchedule.view(recurringTask(principal.tenant(), taskId).orElseThrow().task(),
                List.of()));
    }

    private void list(ServerRequest req, ServerResponse res, Principal principal) {
        int pageSize = TaskRoutes.intParam(req, "pageSize", TaskRoutes.DEFAULT_PAGE_SIZE, 1, TaskRoutes.MAX_PAGE_SIZE);
        int currentPage = TaskRoutes.intParam(req, "currentPage", 1, 1, Integer.MAX_VALUE);
        Pipelines.Page page = pipelines.list(principal.tenant(), pageSize, currentPage);
        res.header("X-Total-Count", Long.toString(page.total()));
        Responses.ok(res, page.pipelines().stream().map(PipelineView::of).toList());
    }

    private void get(ServerRequest req, ServerResponse res, Principal principal) {
        String id = safe(req.path().pathParameters().get("pipelineID"));
        Optional<Pipelines.Loaded> pipeline = pipelines.find(principal.tenant(), id);
        if (pipeline.isPresent()) {
            Responses.ok(res, PipelineView.of(pipeline.get()));
            return;
        }
        TaskQueries.Loaded recurring = found(id, recurringTask(principal.tenant(), id));
        Responses.ok(res, PipelineSchedule.view(recurring.task(), recurring.runs()));
    }

    private void cancel(ServerRequest req, ServerResponse res, Principal principal) {
        String id = safe(req.path().pathParameters().get("pipelineID"));
        Optional<Pipelines.Loaded> pipeline = pipelines.cancel(principal.tenant(), id);
        if (pipeline.isPresent()) {
            Responses.ok(res, PipelineView.of(pipeline.get()));
            return;
        }
        // A recurring pipeline: its fires stop, a running instance is cancelled with its head run.
        TaskQueries.Loaded recurring = found(id, recurringTask(principal.tenant(), id));
        for (Map<String, String> run : recurring.runs()) {
            String instance = run.get(RunRecord.PIPELINE_ID);
            if (instance != null && "RUNNING".equals(run.get(RunRecord.STATUS))) {
                pipelines.cancel(principal.tenant(), instance);
            }
        }
        TaskQueries.Loaded left = TaskRoutes.delete(mlw, principal.tenant(), recurring);
        Responses.ok(res, PipelineSchedule.view(left.task(), left.runs()));
    }

    /** The task of a recurring pipeline, with its runs (the instances' head runs). */
    private Optional<TaskQueries.Loaded> recurringTask(String tenant, String taskId) {
        return mlw.tasks.find(tenant, taskId).filter(t -> t.task().containsKey(TaskRecords.PIPELINE_TEMPLATE));
    }

    private static String safe(String id) {
        if (!ResourceFiles.isSafeId(id)) {
            throw ApiException.notFound("Pipeline " + id);
        }
        return id;
    }

    private static <T> T found(String id, Optional<T> value) {
        return value.orElseThrow(() -> ApiException.notFound("Pipeline " + id));
    }
}
