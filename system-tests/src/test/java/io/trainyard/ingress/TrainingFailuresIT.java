package io.trainyard.ingress;

import static io.trainyard.ingress.TrainingFixture.chorus;
import static io.trainyard.ingress.TrainingFixture.maiascore;
import static io.trainyard.ingress.TrainingFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Trainings that cannot succeed end FAILED with a message naming the stage and the cause, never
 * hang, and save no model; a training shows its stage while it runs and stops when cancelled
 * (maiascore) or stopped (Chorus).
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class TrainingFailuresIT {
    static final List<String> FAST = List.of("logistic_regression", "knn");
    static final String SLOW_PREPROCESSING = "import time\n\ndef preprocess(df):\n    time.sleep(120)\n    return df\n";

    static TrainingFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = TrainingFixture.start();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void eachBadInputEndsFailedNamingItsStageAndCause() throws Exception {
        String project = fixture.project("bad-inputs");
        String iris = fixture.upload(project, "iris.csv", fixture.irisCsv);
        String diabetes = fixture.upload(project, "diabetes.csv", fixture.diabetesCsv);
        String json = fixture.upload(project, "numbers.json", "{\"a\": [1, 2, 3]}");
        String raises = fixture.upload(project, "raises.py",
                "def preprocess(df):\n    raise ValueError('no petals today')\n");
        String doomed = fixture.upload(project, "doomed.csv", fixture.irisCsv);

        Map<String, String> workflows = new LinkedHashMap<>();
        workflows.put("not-csv", TrainingFixture.workflow(json, null, "classification", "target", FAST, "m"));
        workflows.put("no-target", TrainingFixture.workflow(iris, null, "classification", "species", FAST, "m"));
        workflows.put("quantity-target", TrainingFixture.workflow(diabetes, null, "classification", "target",
                FAST, "m"));
        workflows.put("script-raises", TrainingFixture.workflow(iris, raises, "classification", "target", FAST, "m"));
        workflows.put("unknown-algorithm", TrainingFixture.workflow(iris, null, "classification", "target", FAST, "m"));
        workflows.put("dataset-deleted", TrainingFixture.workflow(doomed, null, "classification", "target", FAST, "m"));
        Map<String, String> tasks = new LinkedHashMap<>();
        for (var entry : workflows.entrySet()) {
            String workflow = fixture.upload(project, entry.getKey() + ".wf", entry.getValue());
            if (entry.getKey().equals("dataset-deleted")) {
                ok(fixture.ingress.send("DELETE", TrainingFixture.resources(project) + "/" + doomed,
                        fixture.ingress.admin(), null, null));
            }
            if (entry.getKey().equals("unknown-algorithm")) {
                // A document stored before the rules it breaks (uploads refuse it now): the run names it.
                Files.writeString(fixture.ingress.dataDir.resolve("resources").resolve(fixture.ingress.tenant)
                        .resolve(project).resolve(workflow).resolve("content"),
                        entry.getValue().replace("\"knn\"", "\"xgboost\""));
            }
            tasks.put(entry.getKey(), fixture.submit(project, workflow, entry.getKey(), "").get("id").asText());
        }

        Map<String, List<String>> expected = Map.of(
                "not-csv", List.of("Training failed at read_data: ", "not a CSV file", "JSON"),
                "no-target", List.of("Training failed at validate: ", "'species'", "not in the data"),
                "quantity-target", List.of("Training failed at validate: ", "214 distinct numbers", "regression"),
                "script-raises", List.of("Training failed at preprocess: ",
                        "preprocess(df) raised ValueError: no petals today (line 2)"),
                "unknown-algorithm", List.of("Training failed at workflow: algorithms: unknown algorithm 'xgboost'"),
                "dataset-deleted", List.of("Training failed at read_data: ", "'" + doomed + "' does not exist"));
        for (var entry : tasks.entrySet()) {
            JsonNode run = fixture.awaitRun(entry.getValue());
            assertThat(run.get("status").asText()).as(entry.getKey() + ": " + run).isEqualTo("FAILED");
            assertThat(run.get("message").asText()).as(entry.getKey()).contains(expected.get(entry.getKey()));
            assertThat(run.get("listOfModelAccuracy")).as(entry.getKey()).isEmpty();
            System.out.printf("%s: %s%n", entry.getKey(), run.get("message").asText());
        }
        assertThat(ok(fixture.ingress.get(TrainingFixture.resources(project), fixture.ingress.reader()))
                .get("MODEL")).isEmpty();
    }

    @Test
    void aRunningMaiascoreTrainingShowsItsStageAndIsCancelled() throws Exception {
        String project = fixture.project("cancel");
        String workflow = slowWorkflow(project);

        JsonNode created = maiascore(fixture.ingress.json("POST", "/trainings", fixture.token,
                "{\"uuid\":\"slow-1\",\"meta\":\"" + project + "/" + workflow + "\"}"));
        String id = created.get("id").asText();
        fixture.awaitProgress(id, "preprocess");

        long cancelled = System.nanoTime();
        // The answer shows the cancel, not the status before it: CANCELLING until the worker has stopped the run.
        assertThat(maiascore(fixture.ingress.send("POST", "/trainings/cancel/" + id, fixture.token, null, null))
                .get("status").asText()).isIn("CANCELLING", "CANCELLED");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                maiascore(fixture.ingress.get("/trainings/" + id, fixture.token)).get("status").asText()
                        .equals("CANCELLED"));
        JsonNode run = fixture.awaitRun(id);
        assertThat(run.get("message").asText()).isEqualTo("Cancelled while running (at preprocess)");
        System.out.printf("maiascore cancel of a running training: CANCELLED after %d ms%n",
                (System.nanoTime() - cancelled) / 1_000_000);
    }

    @Test
    void aRunningChorusWorkfileStopsAndTurnsIdle() throws Exception {
        String project = fixture.project("stop");
        String workfile = slowWorkflow(project);
        String session = fixture.chorusLogin();

        JsonNode running = chorus(fixture.ingress.send("POST", "/api/workfiles/" + workfile + "/run", session,
                null, null), 202);
        assertThat(running.get("status").asText()).isEqualTo("running");
        String taskId = running.get("task_id").asText();
        fixture.awaitProgress(taskId, "preprocess");
        assertThat(chorus(fixture.ingress.get("/api/workfiles/" + workfile, session), 200).get("status").asText())
                .isEqualTo("running");

        JsonNode stopped = chorus(fixture.ingress.send("POST", "/api/workfiles/" + workfile + "/stop", session,
                null, null), 202);
        assertThat(stopped.get("status").asText()).isEqualTo("idle");
        JsonNode run = fixture.awaitRun(taskId);
        assertThat(run.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(ok(fixture.ingress.get(TrainingFixture.resources(project), fixture.ingress.reader()))
                .get("MODEL")).isEmpty();
    }

    @Test
    void aTrainingPastItsTimeLimitEndsTimedOutNamingItsStage() throws Exception {
        String project = fixture.project("timeout");
        String workflow = slowWorkflow(project);

        JsonNode task = fixture.submit(project, workflow, "too-slow", ",\"timeoutSeconds\":8");
        JsonNode run = fixture.awaitRun(task.get("id").asText());

        assertThat(run.get("status").asText()).isEqualTo("TIMED_OUT");
        assertThat(run.get("message").asText()).isEqualTo("Timed out after 8 s at preprocess");
        assertThat(ok(fixture.ingress.get(TrainingFixture.resources(project), fixture.ingress.reader()))
                .get("MODEL")).isEmpty();
    }

    /** A workflow whose preprocessing sleeps for two minutes: it is surely running when stopped. */
    private String slowWorkflow(String project) throws Exception {
        String iris = fixture.upload(project, "iris.csv", fixture.irisCsv);
        String script = fixture.upload(project, "slow.py", SLOW_PREPROCESSING);
        return fixture.upload(project, "slow.wf", TrainingFixture.workflow(iris, script, "classification", "target",
                FAST, "slowModel"));
    }
}
