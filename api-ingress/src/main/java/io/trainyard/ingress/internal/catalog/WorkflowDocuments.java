package io.trainyard.ingress.internal.catalog;

import io.trainyard.common.resource.ResourceKind;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.common.training.InvalidWorkflowException;
import io.trainyard.common.training.TaskProperties;
import io.trainyard.common.training.WorkflowSpec;
import io.trainyard.ingress.internal.http.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Workflow resources ({@code .wf}) as the ingress sees them: checked when uploaded or saved with
 * the worker's own rules ({@link WorkflowSpec}) plus what only the project can tell (the dataset
 * and the script it names exist, and are a DATA and a CODE resource), so a bad document is a 400
 * naming its field instead of a run that fails later.
 */
public final class WorkflowDocuments {
    private final ResourceRecords resources;

    public WorkflowDocuments(ResourceRecords resources) {
        this.resources = resources;
    }

    /** The document, valid for {@code projectId}; otherwise a 400 naming the field at fault. */
    public WorkflowSpec check(String tenant, String projectId, byte[] content) {
        WorkflowSpec spec;
        try {
            spec = WorkflowSpec.parse(content);
        } catch (InvalidWorkflowException e) {
            throw ApiException.invalid(e.field(), e.getMessage().substring(e.field().length() + 2));
        }
        requireResource(tenant, projectId, "datasetResourceId", spec.datasetResourceId(), ResourceKind.DATA);
        if (spec.preprocessingResourceId() != null) {
            requireResource(tenant, projectId, "preprocessingResourceId", spec.preprocessingResourceId(),
                    ResourceKind.CODE);
        }
        return spec;
    }

    /**
     * targetVar, problem_type and model_name from the stored document, dataSize empty until a run
     * has read the data (the run then carries all four). A document that no longer parses gives
     * no properties: its run fails and names the field.
     */
    public String initialProperties(String tenant, Map<String, String> workflow) {
        try {
            byte[] content = Files.readAllBytes(resources.content(tenant, workflow.get(ResourceRecords.PROJECT_ID),
                    workflow.get(ResourceRecords.ID)));
            return TaskProperties.json(WorkflowSpec.parse(content), List.of());
        } catch (IOException | InvalidWorkflowException e) {
            return "[]";
        }
    }

    private void requireResource(String tenant, String projectId, String field, String id, ResourceKind kind) {
        Map<String, String> resource = resources.get(tenant, projectId, id).orElseThrow(() ->
                ApiException.invalid(field, "no resource '" + id + "' in this project"));
        if (!kind.name().equals(resource.get(ResourceRecords.KIND))) {
            throw ApiException.invalid(field, "resource '" + id + "' is " + resource.get(ResourceRecords.KIND)
                    + ", not " + kind);
        }
    }
}
