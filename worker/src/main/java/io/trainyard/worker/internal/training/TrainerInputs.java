package io.trainyard.worker.internal.training;

import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.training.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where a workflow's inputs are on the worker's host: the dataset's content and, when the
 * workflow has one, the preprocessing script's.
 *
 * @param preprocessingScript null when the workflow has no preprocessing step
 */
record TrainerInputs(Path dataset, Path preprocessingScript) {
    static final String DATASET_COPY = "dataset.csv";
    static final String SCRIPT_COPY = "preprocess.py";

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

    /**
     * The same inputs copied into {@code dir} (the run's directory): the run trains on a snapshot
     * that a later upload cannot change under it, and that its sandbox user (who may not read
     * the resource store) owns.
     */
    public TrainerInputs copyInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path datasetCopy = Files.copy(dataset, dir.resolve(DATASET_COPY), StandardCopyOption.REPLACE_EXISTING);
        Path scriptCopy = preprocessingScript == null ? null
                : Files.copy(preprocessingScript, dir.resolve(SCRIPT_COPY), StandardCopyOption.REPLACE_EXISTING);
        return new TrainerInputs(datasetCopy, scriptCopy);
    }

    public Optional<Path> preprocessing() {
        return Optional.ofNullable(preprocessingScript);
    }
}
