package io.trainyard.worker.internal.training;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.resource.ResourceKind;
import io.trainyard.common.resource.ResourceRecords;
import io.trainyard.common.training.WorkflowSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

/**
 * Where a training's model goes: a new MODEL resource in the workflow's project, named
 * {@code <modelName>-<version>.joblib}, registered with the same record the ingress lists and
 * downloads ({@link ResourceRecords}). Versions are {@code v1}, {@code v2}, ... per workflow
 * resource, one per run ({@link ResourceRecords#modelVersion}).
 */
final class ModelResources {
    static final String CONTENT_TYPE = "application/octet-stream";
    private static final int MAX_NAME = 100;

    private final ResourceRecords records;
    private final InstantSource clock;

    ModelResources(ResourceRecords records, InstantSource clock) {
        this.records = records;
        this.clock = clock;
    }

    /** The run's model version, e.g. {@code v3}; empty when the workflow or the run is gone. */
    Optional<String> version(JobMessage job) {
        long number = records.modelVersion(job.tenant(), job.resourceId(), job.runId());
        return number > 0 ? Optional.of("v" + number) : Optional.empty();
    }

    /** The MLW path of a model resource, reported as the run's {@code binaryPath}; {@code /download} gives its bytes. */
    static String binaryPath(String projectId, String resourceId) {
        return "/service/mlw/projects/" + projectId + "/resources/" + resourceId;
    }

    /** Registers the trained model; empty when its project no longer exists. */
    Optional<Map<String, String>> save(JobMessage job, WorkflowSpec spec, String resourceId, String version,
                                       Path modelFile) throws IOException {
        Map<String, String> provenance = Map.of(ResourceRecords.VERSION, version,
                ResourceRecords.WORKFLOW_ID, job.resourceId(), ResourceRecords.TASK_ID, job.taskId(),
                ResourceRecords.RUN_ID, job.runId());
        try (InputStream content = Files.newInputStream(modelFile)) {
            return records.create(job.tenant(), job.projectId(), resourceId, fileName(spec.modelName(), version),
                    ResourceKind.MODEL, CONTENT_TYPE, content, clock.millis(), provenance);
        }
    }

    /** {@code irisModel-v2.joblib}: the model's name with anything unsafe in a file name replaced. */
    static String fileName(String modelName, String version) {
        String safe = modelName.strip().replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "");
        if (safe.isEmpty()) {
            safe = "model";
        }
        return (safe.length() > MAX_NAME ? safe.substring(0, MAX_NAME) : safe) + "-" + version + ".joblib";
    }
}
