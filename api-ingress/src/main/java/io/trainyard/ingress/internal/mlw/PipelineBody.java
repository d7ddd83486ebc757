package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.JobType;
import io.trainyard.common.pipeline.FailurePolicy;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.training.WorkflowSpec;
import io.trainyard.ingress.internal.auth.Principal;
import io.trainyard.ingress.internal.catalog.Catalog;
import io.trainyard.ingress.internal.catalog.ProjectStore;
import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.JsonFields;
import io.trainyard.ingress.internal.http.Names;
import io.trainyard.ingress.internal.pipeline.PipelineGraph;
import io.trainyard.ingress.internal.pipeline.PipelineRequest;
import io.trainyard.ingress.internal.pipeline.PipelineStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /pipelines}: {@code {pipelineName, failurePolicy?, steps: [{name,
 * dependsOn?, projectID + resourceID | script | type: "NOOP", timeoutSeconds?, testSize?}]}}. A
 * step with a resource runs it as its kind says (a script as {@code execute}, a workflow as
 * {@code workflow} does); {@code script} is inline Python; NOOP does nothing (tests, benchmarks).
 */
final class PipelineBody {
    private PipelineBody() {}

    static PipelineRequest parse(JsonNode body, Principal principal, Catalog catalog) {
        String name = Names.check("pipelineName", JsonFields.requiredString(body, "pipelineName"));
        String policyText = JsonFields.optionalString(body, "failurePolicy").orElse("failFast").strip();
        FailurePolicy policy = FailurePolicy.fromWire(policyText).orElseThrow(() ->
                ApiException.invalid("failurePolicy", "must be failFast or continue"));
        JsonNode steps = body.get("steps");
        if (steps == null || steps.isNull()) {
            throw ApiException.missing("steps");
        }
        if (!steps.isArray()) {
            throw ApiException.invalid("steps", "must be an array of steps");
        }
        List<PipelineStep> list = new ArrayList<>(steps.size());
        for (JsonNode step : steps) {
            if (list.size() >= PipelineGraph.MAX_STEPS) {
                break; // PipelineGraph names the limit
            }
            if (!step.isObject()) {
                throw ApiException.invalid("steps", "every step must be an object");
            }
            list.add(step(step, principal, catalog));
        }
        if (steps.size() > PipelineGraph.MAX_STEPS) {
            throw ApiException.invalid("steps", "a pipeline has at most " + PipelineGraph.MAX_STEPS + " steps");
        }
        return new PipelineRequest(principal.tenant(), "mlw", name, policy, PipelineGraph.of(list), principal.user());
    }

    private static PipelineStep step(JsonNode step, Principal principal, Catalog catalog) {
        String name = JsonFields.optionalString(step, "name").orElse("").strip();
        List<String> dependsOn = new ArrayList<>();
        JsonNode parents = step.get("dependsOn");
        if (parents != null && !parents.isNull()) {
            if (!parents.isArray()) {
                throw ApiException.invalid("dependsOn", "of step '" + name + "' must be an array of step names");
            }
            for (JsonNode parent : parents) {
                if (!parent.isTextual()) {
                    throw ApiException.invalid("dependsOn", "of step '" + name + "' must be an array of step names");
                }
                dependsOn.add(parent.asText());
            }
        }
        long timeout = JsonFields.optionalWholeNumber(step, "timeoutSeconds").orElse(0L);
        if (timeout < 0 || timeout > SubmitBody.MAX_TIMEOUT_SECONDS) {
            throw ApiException.invalid("timeoutSeconds", "must be between 0 and " + SubmitBody.MAX_TIMEOUT_SECONDS);
        }
        String type = JsonFields.optionalString(step, "type").orElse("").strip();
        String script = JsonFields.optionalString(step, "script").orElse(null);
        String projectId = JsonFields.optionalString(step, "projectID").orElse(null);
        String resourceId = JsonFields.optionalString(step, "resourceID").orElse(null);
        Map<String, String> extra = new HashMap<>();
        extra.put("createdBy", principal.user());
        if (type.equals(JobType.NOOP.name())) {
            return new PipelineStep(name, JobType.NOOP, null, null, null, null, timeout, dependsOn, "[]", extra);
        }
        if (script != null && projectId == null && resourceId == null) {
            if (script.isBlank()) {
                throw ApiException.invalid("script", "of step '" + name + "' is empty");
            }
            return new PipelineStep(name, JobType.CODE, null, null, null, script, timeout, dependsOn, "[]", extra);
        }
        if (projectId == null || resourceId == null) {
            throw ApiException.missing(projectId == null ? "projectID" : "resourceID",
                    "step '" + name + "' runs a resource (projectID and resourceID), an inline script or type NOOP");
        }
        if (!ResourceFiles.isSafeId(projectId)) {
            throw ApiException.notFound("Project " + projectId);
        }
        ProjectStore.WithResource found = catalog.projects().getWithResource(principal.tenant(), projectId, resourceId)
                .orElseThrow(() -> ApiException.notFound("Project " + projectId));
        Map<String, String> resource = found.resource().orElseThrow(() -> ApiException.notFound("Resource "
                + resourceId));
        JobType kind = "WORKFLOW".equals(resource.get("kind")) ? JobType.WORKFLOW
                : "CODE".equals(resource.get("kind")) ? JobType.CODE : null;
        if (kind == null || (!type.isEmpty() && !type.equals(kind.name()))) {
            throw ApiException.invalid("resourceID", "resource " + resourceId + " of step '" + name + "' is "
                    + resource.get("kind") + (type.isEmpty() ? "; a step runs CODE or WORKFLOW resources"
                    : ", not " + type));
        }
        extra.put("resourceName", resource.getOrDefault("name", ""));
        String properties = "[]";
        if (kind == JobType.WORKFLOW) {
            properties = catalog.workflows().initialProperties(principal.tenant(), resource);
            var testSize = JsonFields.optionalNumber(step, "testSize");
            if (testSize.isPresent() && !(testSize.get() > 0 && testSize.get() < 1)) {
                throw ApiException.invalid("testSize", "must be a fraction between 0 and 1 (exclusive)");
            }
            testSize.ifPresent(value -> extra.put(WorkflowSpec.TASK_TEST_SIZE, Double.toString(value)));
        }
        return new PipelineStep(name, kind, projectId, found.project().get("name"), resourceId, null, timeout,
                dependsOn, properties, extra);
    }
}
