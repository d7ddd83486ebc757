package io.trainyard.ingress;

import static io.trainyard.ingress.TrainingFixture.chorus;
import static io.trainyard.ingress.TrainingFixture.maiascore;
import static io.trainyard.ingress.TrainingFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real training end to end, through all three dialects into the one engine: iris (classification,
 * with a preprocessing script) over MLW, diabetes (regression) as a maiascore training, and a
 * Chorus workfile run twice. Each run completes in the training pool's bubblewrap sandbox, lists
 * every candidate, reports what the trainer reported, and saves a model that loads and predicts.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class TrainingEndToEndIT {
    static final String PETAL_AREA = "def preprocess(df):\n"
            + "    df = df.copy()\n"
            + "    df['petal_area'] = df['petal length (cm)'] * df['petal width (cm)']\n"
            + "    print('added petal_area')\n"
            + "    return df\n";
    static final List<String> IRIS_CANDIDATES = List.of("logistic_regression", "random_forest", "knn");
    static final List<String> DIABETES_CANDIDATES = List.of("linear_regression", "ridge", "random_forest_regressor");

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
    void irisTrainsOverMlwAndItsModelLoadsAndPredicts() throws Exception {
        String project = fixture.project("iris");
        String iris = fixture.upload(project, "iris.csv", fixture.irisCsv);
        String script = fixture.upload(project, "petal_area.py", PETAL_AREA);
        String workflow = fixture.upload(project, "iris.wf", TrainingFixture.workflow(iris, script, "classification",
                "target", IRIS_CANDIDATES, "irisModel"));

        long started = System.nanoTime();
        JsonNode submitted = fixture.submit(project, workflow, "iris-training", ",\"testSize\":0.25");
        JsonNode run = fixture.awaitRun(submitted.get("id").asText());
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
        JsonNode reported = TrainingFixture.trainerResult(run);
        List<String> names = new ArrayList<>();
        run.get("listOfModelAccuracy").forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).isEqualTo(IRIS_CANDIDATES);
        assertThat(run.get("listOfModelAccuracy")).isEqualTo(reported.get("listOfModelAccuracy"));
        double best = 0;
        for (JsonNode candidate : run.get("listOfModelAccuracy")) {
            assertThat(candidate.get("score").isNumber()).as(candidate.toString()).isTrue();
            best = Math.max(best, candidate.get("score").asDouble());
        }
        assertThat(best).isGreaterThan(0.9);
        assertThat(run.get("accuracy").asDouble()).isEqualTo(reported.at("/best/accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(run.get("precision").asDouble()).isEqualTo(reported.at("/best/precision").asDouble());
        assertThat(run.has("mae")).isFalse();
        assertThat(run.get("bestModel").asText()).isEqualTo(reported.at("/best/name").asText());
        assertThat(run.get("version").asText()).isEqualTo(reported.get("version").asText()).isEqualTo("v1");
        assertThat(run.get("binaryPath").asText()).isEqualTo(reported.get("binaryPath").asText())
                .isEqualTo(TrainingFixture.resources(project) + "/" + run.get("modelResourceID").asText());
        assertThat(run.get("testSize").asDouble()).isEqualTo(0.25);
        assertThat(run.get("dataSize")).isEqualTo(reported.get("dataSize"));
        assertThat(run.get("stderr").asText()).contains("added petal_area");

        // The task shows MLW's properties, dataSize included once the run read the data.
        JsonNode task = fixture.task(submitted.get("id").asText());
        assertThat(task.get("status").asText()).isEqualTo("EXECUTED");
        assertThat(task.get("testSize").asDouble()).isEqualTo(0.25);
        assertProperties(task.get("properties"), "target", "Classification", List.of("150", "6"), "irisModel");

        // The model is a MODEL resource of the project, listed and downloadable like any other.
        JsonNode models = ok(fixture.ingress.get(TrainingFixture.resources(project), fixture.ingress.reader()))
                .get("MODEL");
        assertThat(models).hasSize(1);
        assertThat(models.get(0).get("id").asText()).isEqualTo(run.get("modelResourceID").asText());
        assertThat(models.get(0).get("name").asText()).isEqualTo("irisModel-v1.joblib");
        assertThat(models.get(0).get("version").asText()).isEqualTo("v1");
        assertThat(models.get(0).get("workflowID").asText()).isEqualTo(workflow);
        JsonNode predicted = fixture.predict(fixture.download(run.get("binaryPath").asText(), "iris.joblib"),
                fixture.irisCsv, "df['petal_area'] = df['petal length (cm)'] * df['petal width (cm)']\n");
        assertThat(predicted.get("rows").asInt()).isEqualTo(150);
        assertThat(predicted.get("score").asDouble()).isGreaterThan(0.9);
        assertThat(predicted.get("version").asText()).isEqualTo("v1");
        assertThat(predicted.get("algorithm").asText()).isEqualTo(run.get("bestModel").asText());
        System.out.printf("iris over MLW: %d ms submit-to-completed; %s; best %s accuracy %.4f%n", millis,
                run.get("listOfModelAccuracy"), run.get("bestModel").asText(), run.get("accuracy").asDouble());
    }

    @Test
    void diabetesTrainsAsAMaiascoreTrainingNamedByMeta() throws Exception {
        String project = fixture.project("diabetes");
        String diabetes = fixture.upload(project, "diabetes.csv", fixture.diabetesCsv);
        String workflow = fixture.upload(project, "diabetes.wf", TrainingFixture.workflow(diabetes, null,
                "regression", "target", DIABETES_CANDIDATES, "diabetesModel"));

        long started = System.nanoTime();
        String meta = "{\\\"projectId\\\":\\\"" + project + "\\\",\\\"workflowResourceId\\\":\\\"" + workflow + "\\\"}";
        JsonNode created = maiascore(fixture.ingress.json("POST", "/trainings", fixture.token,
                "{\"uuid\":\"diabetes-1\",\"version\":\"requested\",\"meta\":\"" + meta + "\"}"));
        String id = created.get("id").asText();
        assertThat(created.get("status").asText()).isEqualTo("QUEUED");
        await().atMost(TrainingFixture.RUN_BOUND).until(() ->
                maiascore(fixture.ingress.get("/trainings/" + id, fixture.token)).get("status").asText()
                        .equals("COMPLETED"));
        long millis = (System.nanoTime() - started) / 1_000_000;

        JsonNode training = maiascore(fixture.ingress.get("/trainings/" + id, fixture.token));
        JsonNode run = fixture.awaitRun(id);
        JsonNode reported = TrainingFixture.trainerResult(run);
        assertThat(run.get("listOfModelAccuracy").findValuesAsText("name")).isEqualTo(DIABETES_CANDIDATES);
        assertThat(training.get("mae").asDouble()).isEqualTo(reported.at("/best/mae").asDouble())
                .isEqualTo(run.get("mae").asDouble()).isPositive();
        assertThat(training.get("rmse").asDouble()).isEqualTo(reported.at("/best/rmse").asDouble())
                .isGreaterThanOrEqualTo(training.get("mae").asDouble());
        assertThat(training.get("binaryPath").asText()).isEqualTo(reported.get("binaryPath").asText())
                .startsWith(TrainingFixture.resources(project) + "/");
        assertThat(training.get("version").asText()).isEqualTo("v1");
        assertThat(training.get("accuracy").asDouble()).isZero();
        assertThat(training.get("uuid").asText()).isEqualTo("diabetes-1");
        assertProperties(fixture.task(id).get("properties"), "target", "Regression", List.of("442", "11"),
                "diabetesModel");

        JsonNode predicted = fixture.predict(fixture.download(training.get("binaryPath").asText(), "diabetes.joblib"),
                fixture.diabetesCsv, "");
        assertThat(predicted.get("rows").asInt()).isEqualTo(442);
        assertThat(predicted.get("score").asDouble()).as("R^2 on the whole data set").isGreaterThan(0.3);
        System.out.printf("diabetes as a maiascore training: %d ms; %s; best %s mae %.2f rmse %.2f%n", millis,
                run.get("listOfModelAccuracy"), run.get("bestModel").asText(), training.get("mae").asDouble(),
                training.get("rmse").asDouble());
    }

    @Test
    void aChorusWorkfileRunsTheWorkflowAndEachRunSavesTheNextVersion() throws Exception {
        String project = fixture.project("chorus");
        String iris = fixture.upload(project, "iris.csv", fixture.irisCsv);
        String workfile = fixture.upload(project, "alpine_flow.wf", TrainingFixture.workflow(iris, null,
                "classification", "target", List.of("logistic_regression", "knn"), "flowModel"));
        String session = fixture.chorusLogin();

        List<String> versions = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            JsonNode running = chorus(fixture.ingress.send("POST", "/api/workfiles/" + workfile + "/run", session,
                    null, null), 202);
            assertThat(running.get("status").asText()).isEqualTo("running");
            await().atMost(TrainingFixture.RUN_BOUND).until(() -> chorus(fixture.ingress.get(
                    "/api/workfiles/" + workfile, session), 200).get("status").asText().equals("idle"));
            JsonNode run = fixture.awaitRun(running.get("task_id").asText());
            assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");
            assertThat(run.get("accuracy").asDouble()).isGreaterThan(0.9);
            versions.add(run.get("version").asText());
            System.out.printf("iris as a Chorus workfile: %d ms; %s%n", (System.nanoTime() - started) / 1_000_000,
                    run.get("listOfModelAccuracy"));
        }

        assertThat(versions).containsExactly("v1", "v2");
        JsonNode models = ok(fixture.ingress.get(TrainingFixture.resources(project), fixture.ingress.reader()))
                .get("MODEL");
        assertThat(models.findValuesAsText("name")).containsExactly("flowModel-v1.joblib", "flowModel-v2.joblib");
    }

    @Test
    void scriptAndTrainingPoolsEachTakeOnlyTheirOwnTopic() throws Exception {
        String project = fixture.project("pools");
        String script = fixture.upload(project, "hello.py", "print('hello from the script pool')\n");
        String iris = fixture.upload(project, "iris.csv", fixture.irisCsv);
        String workflow = fixture.upload(project, "pools.wf", TrainingFixture.workflow(iris, null, "classification",
                "target", List.of("knn"), "poolModel"));
        String scriptPool = "script-pool-" + fixture.ingress.tenant;
        try (Worker scripts = fixture.pool(scriptPool, "trainyard.jobs.script")) {
            JsonNode training = fixture.submit(project, workflow, "pools-training", "");
            JsonNode scripted = ok(fixture.ingress.json("POST", TrainingFixture.resources(project) + "/" + script
                    + "/execute", fixture.ingress.admin(),
                    "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"pools-script\"}"));

            JsonNode trained = fixture.awaitRun(training.get("id").asText());
            JsonNode ran = fixture.awaitRun(scripted.get("id").asText());
            assertThat(trained.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(ran.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(fixture.workerOf(trained.get("id").asText())).isEqualTo(fixture.worker.workerId());
            assertThat(fixture.workerOf(ran.get("id").asText())).isEqualTo(scriptPool);
        }
    }

    static void assertProperties(JsonNode properties, String target, String problemType, List<String> dataSize,
                                 String modelName) {
        assertThat(properties.findValuesAsText("key")).containsExactly("targetVar", "problem_type", "dataSize",
                "model_name");
        assertThat(properties.get(0).get("value").asText()).isEqualTo(target);
        assertThat(properties.get(1).get("value").asText()).isEqualTo(problemType);
        List<String> size = new ArrayList<>();
        properties.get(2).get("value").forEach(v -> size.add(v.asText()));
        assertThat(size).isEqualTo(dataSize);
        assertThat(properties.get(3).get("value").asText()).isEqualTo(modelName);
    }
}
