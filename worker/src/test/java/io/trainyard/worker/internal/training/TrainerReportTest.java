package io.trainyard.worker.internal.training;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.training.WorkflowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerReportTest {
    private static final WorkflowSpec IRIS = WorkflowSpec.parse("""
            {"datasetResourceId": "ds-1", "problemType": "classification", "targetVariable": "target",
             "modelName": "irisModel"}""".getBytes(UTF_8));

    private static final String RUNNING = """
            {"event": "progress", "stage": "read_data"}
            {"event": "progress", "stage": "validate"}
            {"event": "progress", "stage": "fit", "k": 1, "n": 3, "algorithm": "random_forest"}
            {"event": "progress", "stage": "fit", "k": 2, "n": 3, "algorithm": "svm"}
            """;

    /** One line: the trailing backslashes join the text block's lines. */
    private static final String RESULT = """
            {"event": "result", "listOfModelAccuracy": [\
            {"name": "random_forest", "score": 0.9, "fitTimeSeconds": 0.12}, \
            {"name": "svm", "score": 0.9666666666666667, "fitTimeSeconds": 0.01}, \
            {"name": "knn", "score": null, "fitTimeSeconds": 0.0, "error": "ValueError: too few rows"}], \
            "best": {"name": "svm", "accuracy": 0.9666666666666667, "precision": 0.9696969696969697}, \
            "scoring": "accuracy", "problemType": "classification", "targetVariable": "target", \
            "dataSize": [150, 5], "binaryPath": "/service/mlw/projects/p1/resources/m1", "version": "3", \
            "modelName": "irisModel"}
            """;

    @Test
    void progressReadsAsTheStageTheTrainerIsIn() {
        TrainerReport report = TrainerReport.parse(RUNNING);

        assertThat(report.progressFields()).isEqualTo(Map.of("progress", "fit 2 of 3 (svm)"));
        assertThat(report.result()).isEmpty();
        assertThat(report.failure()).isEmpty();
        assertThat(report.succeeded()).isFalse();
    }

    @Test
    void everyStageHasAReadableName() {
        assertThat(TrainerReport.parse("{\"event\":\"progress\",\"stage\":\"read_data\"}").progressFields())
                .containsEntry("progress", "read data");
        assertThat(TrainerReport.parse("{\"event\":\"progress\",\"stage\":\"preprocess\"}").progressFields())
                .containsEntry("progress", "preprocess");
        assertThat(TrainerReport.parse("{\"event\":\"progress\",\"stage\":\"save\"}").progressFields())
                .containsEntry("progress", "save model");
        assertThat(TrainerReport.parse("").progressFields()).isEmpty();
    }

    @Test
    void aResultBecomesTheRunFields() throws Exception {
        TrainerReport report = TrainerReport.parse(RUNNING + RESULT);

        assertThat(report.succeeded()).isTrue();
        Map<String, String> fields = report.resultFields(IRIS);
        assertThat(fields).containsEntry("accuracy", "0.9666666666666667")
                .containsEntry("precision", "0.9696969696969697")
                .containsEntry("bestModel", "svm")
                .containsEntry("scoring", "accuracy")
                .containsEntry("binaryPath", "/service/mlw/projects/p1/resources/m1")
                .containsEntry("version", "3")
                .containsEntry("dataSize", "[150,5]")
                .containsEntry("modelName", "irisModel")
                .containsEntry("progress", "done")
                .containsEntry("message", "Completed: best model svm, accuracy 0.9667")
                .doesNotContainKeys("mae", "rmse");

        JsonNode scores = Json.MAPPER.readTree(fields.get("listOfModelAccuracy"));
        assertThat(scores).hasSize(3);
        assertThat(scores.get(1).get("name").asText()).isEqualTo("svm");
        assertThat(scores.get(1).get("score").asDouble()).isEqualTo(0.9666666666666667);
        assertThat(scores.get(2).get("score").isNull()).isTrue();
        assertThat(scores.get(2).get("error").asText()).contains("too few rows");

        assertThat(Json.MAPPER.readTree(fields.get("properties"))).isEqualTo(Json.MAPPER.readTree("""
                [{"key": "targetVar", "label": "Target variable", "value": "target"},
                 {"key": "problem_type", "label": "Problem Type", "value": "Classification"},
                 {"key": "dataSize", "label": "Data Size", "value": ["150", "5"]},
                 {"key": "model_name", "label": "Model Name", "value": "irisModel"}]"""));
    }

    @Test
    void aRegressionResultCarriesMaeAndRmse() {
        TrainerReport report = TrainerReport.parse("""
                {"event": "result", "listOfModelAccuracy": [{"name": "ridge", "score": 0.45, "fitTimeSeconds": 0.01}], \
                "best": {"name": "ridge", "mae": 42.5, "rmse": 53.25}, "scoring": "r2", "dataSize": [442, 11], \
                "binaryPath": "model/model.joblib", "version": "1"}""");

        assertThat(report.resultFields(IRIS)).containsEntry("mae", "42.5").containsEntry("rmse", "53.25")
                .containsEntry("message", "Completed: best model ridge, RMSE 53.2500")
                .doesNotContainKeys("accuracy", "precision");
    }

    @Test
    void anErrorNamesTheStageAndTheCause() {
        TrainerReport report = TrainerReport.parse(RUNNING + """
                {"event": "progress", "stage": "preprocess"}
                {"event": "error", "stage": "preprocess", "message": "preprocess(df) raised ZeroDivisionError: division by zero (line 2)"}
                """);

        assertThat(report.succeeded()).isFalse();
        assertThat(report.failure()).contains(new TrainerEvent.Failure("preprocess",
                "preprocess(df) raised ZeroDivisionError: division by zero (line 2)"));
        assertThat(report.failureMessage("exit code 2")).isEqualTo(
                "Training failed at preprocess: preprocess(df) raised ZeroDivisionError: division by zero (line 2)");
        assertThatThrownBy(() -> report.resultFields(IRIS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutAnErrorTheFailureSaysHowTheProcessEndedAndWhere() {
        TrainerReport report = TrainerReport.parse(RUNNING);

        assertThat(report.failureMessage("exit code 137, killed by signal 9 (SIGKILL, e.g. out of memory)"))
                .isEqualTo("Training ended without a result (exit code 137, killed by signal 9 "
                        + "(SIGKILL, e.g. out of memory)) at fit 2 of 3 (svm)");
        assertThat(TrainerReport.parse("").failureMessage("exit code 1"))
                .isEqualTo("Training ended without a result (exit code 1) at start");
    }

    @Test
    void linesThatAreNotEventsAreSkipped() {
        TrainerReport report = TrainerReport.parse("""
                Traceback (most recent call last):
                {"event": "progress", "stage": "split"}
                {"not": "an event"}
                [1, 2]
                {"event": "progress", "stage": "fit", "k": 1, "n": 7, "algo""");

        assertThat(report.progressFields()).containsEntry("progress", "split data");
    }

    @Test
    void readsTheEventsFileAsItGrows(@TempDir Path dir) throws Exception {
        Path events = dir.resolve(TrainerInvocation.EVENTS_FILE);
        assertThat(TrainerReport.read(events).progress()).isEmpty();

        Files.writeString(events, RUNNING);
        assertThat(TrainerReport.read(events).progressFields()).containsEntry("progress", "fit 2 of 3 (svm)");

        Files.writeString(events, RUNNING + RESULT);
        assertThat(TrainerReport.read(events).succeeded()).isTrue();
    }
}
