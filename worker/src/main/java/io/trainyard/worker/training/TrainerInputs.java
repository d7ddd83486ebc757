package io.trainyard.worker.training;

import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.training.WorkflowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a workflow's inputs are on the worker's host: the dataset's content and, when the
 * workflow has one, the preprocessing script's.
 *
 * @param preprocessingScript null when the workflow has no preprocessing step
 */
public record TrainerInputs(Path dataset, Path preprocessingScript) {
    public TrainerInputs {
        if (dataset == null) {
            throw new IllegalArgumentException("dataset is required");
        }
    }

    /** Finds the workflow's resources in the project; a missing one fails at its stage. */
    public static TrainerInputs resolve(ResourceFiles files, String tenant, String projectId, WorkflowSpec spec)
            throws TrainingInputException {
        Path dataset = files.content(tenant, projectId, spec.datasetResourceId());
        if (!Files.isRegularFile(dataset)) {
            throw new TrainingInputException("read_data", "the dataset resource '" + spec.datasetResourceId()
                    + "' does not exist in project '" + projectId + "'");
        }
        Path script = null;
        if (spec.preprocessingResourceId() != null) {
            script = files.content(tenant, projectId, spec.preprocessingResourceId());
            if (!Files.isRegularFile(script)) {
                throw new TrainingInputException("preprocess", "the preprocessing script resource '"
                        + spec.preprocessingResourceId() + "' does not exist in project '" + projectId + "'");
            }
        }
        return new TrainerInputs(dataset, script);
    }

    public Optional<Path> preprocessing() {
        return Optional.ofNullable(preprocessingScript);
    }
}
