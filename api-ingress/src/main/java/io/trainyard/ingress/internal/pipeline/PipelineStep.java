package io.trainyard.ingress.internal.pipeline;

import io.trainyard.common.job.JobType;
import java.util.List;
import java.util.Map;

/**
 * One step of a pipeline document, checked: what it runs (a script or workflow resource, an
 * inline script, or nothing for NOOP) and the steps it depends on.
 *
 * @param propertiesJson the step task's {@code properties} (a workflow's), a JSON array
 * @param extra further fields of the step's task (resource name, test size)
 * @param taskName the step's task's name; null for {@code <pipelineName>/<step>}
 */
public record PipelineStep(
        String name,
        JobType type,
        String projectId,
        String projectName,
        String resourceId,
        String script,
        long timeoutSeconds,
        List<String> dependsOn,
        String propertiesJson,
        Map<String, String> extra,
        String taskName) {

    public PipelineStep {
        dependsOn = List.copyOf(dependsOn);
        extra = Map.copyOf(extra);
    }

    /** A step whose task is named {@code <pipelineName>/<step>}. */
    public PipelineStep(String name, JobType type, String projectId, String projectName, String resourceId,
                        String script, long timeoutSeconds, List<String> dependsOn, String propertiesJson,
                        Map<String, String> extra) {
        this(name, type, projectId, projectName, resourceId, script, timeoutSeconds, dependsOn, propertiesJson, extra,
                null);
    }
}
