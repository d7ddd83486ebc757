package io.trainyard.worker.internal.training;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.training.TaskProperties;
import io.trainyard.common.training.WorkflowSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the trainer said, read from its JSON-lines output (stdout, or the events file while it
 * still runs), and the run fields that follow from it. Lines that are not trainer events (a
 * truncation marker, a half-written last line) are skipped, never fatal.
 */
final class TrainerReport {
    /** Run fields a WORKFLOW run carries, beside the common ones (status, message, …). */
    public static final String PROGRESS = "progress";
    public static final String LIST_OF_MODEL_ACCURACY = "listOfModelAccuracy";
    public static final String BEST_MODEL = "bestModel";
    public static final String SCORING = "scoring";
    public static final String ACCURACY = "accuracy";
    public static final String PRECISION = "precision";
    public static final String MAE = "mae";
    public static final String RMSE = "rmse";
    public static final String BINARY_PATH = "binaryPath";
    public static final String VERSION = "version";
    public static final String DATA_SIZE = "dataSize";
    public static final String MODEL_NAME = "modelName";
    /** MLW's task properties (targetVar, problem_type, dataSize, model_name) as a JSON array. */
    public static final String PROPERTIES = "properties";
    public static final String MESSAGE = "message";

    private final TrainerEvent.Progress progress;
    private final TrainerEvent.Result result;
    private final TrainerEvent.Failure failure;

    private TrainerReport(TrainerEvent.Progress progress, TrainerEvent.Result result, TrainerEvent.Failure failure) {
        this.progress = progress;
        this.result = result;
        this.failure = failure;
    }

    /** Reads the trainer's whole output (or as much of it as exists). */
    public static TrainerReport parse(String jsonLines) {
        TrainerEvent.Progress progress = null;
        TrainerEvent.Result result = null;
        TrainerEvent.Failure failure = null;
        for (String line : jsonLines.split("\n")) {
            switch (TrainerEvents.parse(line).orElse(null)) {
                case TrainerEvent.Progress p -> progress = p;
                case TrainerEvent.Result r -> result = r;
                case TrainerEvent.Failure f -> failure = f;
                case null -> { }
            }
        }
        return new TrainerReport(progress, result, failure);
    }

    /** Reads the events file the trainer appends to; empty while it does not exist yet. */
    public static TrainerReport read(Path eventsFile) throws IOException {
        try {
            return parse(Files.readString(eventsFile, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return parse("");
        }
    }

    /** The latest stage the trainer entered. */
    public Optional<TrainerEvent.Progress> progress() {
        return Optional.ofNullable(progress);
    }

    public Optional<TrainerEvent.Result> result() {
        return Optional.ofNullable(result);
    }

    public Optional<TrainerEvent.Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** True when the trainer reported a result and no error: with exit code 0, the run COMPLETED. */
    public boolean succeeded() {
        return result != null && failure == null;
    }

    /** For {@code RunLedger.update} while the trainer runs: {@code progress} = e.g. "fit 2 of 5 (svm)". */
    public Map<String, String> progressFields() {
        return progress == null ? Map.of() : Map.of(PROGRESS, progress.text());
    }

    /**
     * For {@code RunLedger.finish(COMPLETED)}: listOfModelAccuracy (JSON), bestModel, scoring,
     * accuracy and precision or mae and rmse, binaryPath, version, dataSize (JSON), modelName,
     * properties (JSON) and a one-line message.
     */
    public Map<String, String> resultFields(WorkflowSpec spec) {
        if (result == null) {
            throw new IllegalStateException("the trainer reported no result");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(PROGRESS, "done");
        ArrayNode scores = Json.MAPPER.createArrayNode();
        result.listOfModelAccuracy().forEach(score -> scores.add(scoreLine(score)));
        fields.put(LIST_OF_MODEL_ACCURACY, Json.writeString(scores));
        fields.put(BEST_MODEL, result.bestModel());
        fields.put(SCORING, result.scoring());
        putNumber(fields, ACCURACY, result.accuracy());
        putNumber(fields, PRECISION, result.precision());
        putNumber(fields, MAE, result.mae());
        putNumber(fields, RMSE, result.rmse());
        if (result.binaryPath() != null) {
            fields.put(BINARY_PATH, result.binaryPath());
        }
        if (result.version() != null) {
            fields.put(VERSION, result.version());
        }
        fields.put(DATA_SIZE, Json.writeString(result.dataSize()));
        fields.put(MODEL_NAME, spec.modelName());
        fields.put(PROPERTIES, TaskProperties.json(spec, result.dataSize()));
        fields.put(MESSAGE, completedMessage());
        return fields;
    }

    /**
     * The message of a run that did not succeed: the trainer's own error when it gave one, else
     * how the process ended ({@code exitDescription}, e.g. "exit code 137, killed by signal 9")
     * and the stage it had reached.
     */
    public String failureMessage(String exitDescription) {
        if (failure != null) {
            return failure.text();
        }
        String stage = progress == null ? "start" : progress.text();
        return "Training ended without a result (" + exitDescription + ") at " + stage;
    }

    private String completedMessage() {
        StringBuilder message = new StringBuilder("Completed: best model ").append(result.bestModel());
        if (result.accuracy() != null) {
            message.append(", accuracy ").append(String.format(Locale.ROOT, "%.4f", result.accuracy()));
        }
        if (result.rmse() != null) {
            message.append(", RMSE ").append(String.format(Locale.ROOT, "%.4f", result.rmse()));
        }
        return message.toString();
    }

    /** A candidate's line; a failed one keeps {@code "score": null} (the shared codec drops nulls). */
    private static ObjectNode scoreLine(TrainerEvent.ModelScore score) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("name", score.name());
        line.put("score", score.score());
        line.put("fitTimeSeconds", score.fitTimeSeconds());
        if (score.error() != null) {
            line.put("error", score.error());
        }
        return line;
    }

    private static void putNumber(Map<String, String> fields, String key, Double value) {
        if (value != null) {
            fields.put(key, Double.toString(value));
        }
    }
}
