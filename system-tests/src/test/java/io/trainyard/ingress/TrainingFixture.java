package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.trainyard.common.json.Json;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import io.trainyard.worker.testing.WorkerHarness;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.JedisPooled;

/**
 * An ingress and a training pool (a worker consuming only {@code trainyard.jobs.training}, in
 * bubblewrap) in the test JVM, both on the real broker and Redis, sharing one data directory;
 * the iris and diabetes data sets exported from scikit-learn to CSV; and the helpers the
 * training tests share.
 */
final class TrainingFixture implements AutoCloseable {
    /** Debian's interpreter, the one with scikit-learn. */
    static final String PYTHON = "/usr/bin/python3";
    static final Duration RUN_BOUND = Duration.ofSeconds(180);

    final TestIngress ingress;
    final Worker worker;
    final Path scratch;
    final Path irisCsv;
    final Path diabetesCsv;
    final String token;

    private TrainingFixture() throws Exception {
        scratch = Files.createTempDirectory("trainyard-training-test-");
        irisCsv = scratch.resolve("iris.csv");
        diabetesCsv = scratch.resolve("diabetes.csv");
        String export = python(List.of("-c", "import sys\n"
                + "from sklearn.datasets import load_iris, load_diabetes\n"
                + "load_iris(as_frame=True).frame.to_csv(sys.argv[1], index=False)\n"
                + "load_diabetes(as_frame=True).frame.to_csv(sys.argv[2], index=False)\n",
                irisCsv.toString(), diabetesCsv.toString()));
        assertThat(irisCsv).as(export).isNotEmptyFile();

        Path keys = scratch.resolve("token-keys.json");
        Files.writeString(keys, new JWKSet(new OctetSequenceKeyGenerator(256).keyID("k1").generate()).toString(false));
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(),
                Map.of(IngressSettings.TOKEN_KEYS_FILE.env(), keys.toString()));
        worker = pool("training-pool-" + ingress.tenant, "trainyard.jobs.training");
        HttpResponse<String> login = ingress.json("POST", "/auth/local", null,
                "{\"identifier\":\"" + ingress.tenant + "/admin\",\"password\":\"" + TestIngress.PASSWORD + "\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        token = "Bearer " + tree(login).get("jwt").asText();
    }

    /** A worker of this ingress's data directory taking only {@code topics}, two slots, in bubblewrap. */
    Worker pool(String workerId, String topics) {
        return Worker.start(WorkerHarness.settings(workerId, ingress.dataDir, Map.of(
                WorkerSettings.TOPICS.env(), topics,
                WorkerSettings.SLOTS.env(), "2")));
    }

    /** The worker that ran a run (kept in its record, not shown by MLW's view). */
    String workerOf(String runId) {
        try (JedisPooled redis = RealRedis.client()) {
            return redis.hget(new TenantKeys(ingress.tenant).run(runId), "workerId");
        }
    }

    static TrainingFixture start() throws Exception {
        return new TrainingFixture();
    }

    static JsonNode tree(HttpResponse<String> response) throws IOException {
        return Json.MAPPER.readTree(response.body());
    }

    static JsonNode ok(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return tree(response);
    }

    String project(String name) throws IOException {
        return ok(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"" + name + "\"}"))
                .get("id").asText();
    }

    static String resources(String project) {
        return "/service/mlw/projects/" + project + "/resources";
    }

    String upload(String project, String fileName, String content) throws IOException {
        return ok(ingress.upload(resources(project), ingress.admin(), fileName, content)).get("id").asText();
    }

    String upload(String project, String fileName, Path content) throws IOException {
        return upload(project, fileName, Files.readString(content));
    }

    /** A workflow document; {@code preprocessing} may be null. */
    static String workflow(String dataset, String preprocessing, String problemType, String target,
                           List<String> algorithms, String modelName) {
        StringBuilder json = new StringBuilder("{\"datasetResourceId\":\"").append(dataset).append('"');
        if (preprocessing != null) {
            json.append(",\"preprocessingResourceId\":\"").append(preprocessing).append('"');
        }
        json.append(",\"problemType\":\"").append(problemType).append("\",\"targetVariable\":\"").append(target)
                .append("\",\"algorithms\":").append(Json.writeString(algorithms))
                .append(",\"modelName\":\"").append(modelName).append("\"}");
        return json.toString();
    }

    /** Trains a workflow over MLW; returns the task as the submit answered it. */
    JsonNode submit(String project, String workflow, String taskName, String extraFields) throws IOException {
        return ok(ingress.json("POST", resources(project) + "/" + workflow + "/workflow", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + taskName + "\"" + extraFields
                        + "}"));
    }

    JsonNode task(String taskId) throws IOException {
        return ok(ingress.get("/service/mlw/tasks/" + taskId, ingress.reader()));
    }

    /** The task's first run with its output, once it ended. */
    JsonNode awaitRun(String taskId) throws IOException {
        String runId = task(taskId).get("individualTasks").get(0).get("id").asText();
        String path = "/service/mlw/tasks/" + taskId + "/task/" + runId;
        await().atMost(RUN_BOUND).pollInterval(Duration.ofMillis(200)).until(() ->
                !tree(ingress.get(path, ingress.reader())).path("completedAt").asText().isEmpty());
        return ok(ingress.get(path, ingress.reader()));
    }

    /** The task's first run, once it shows {@code progress} while RUNNING. */
    JsonNode awaitProgress(String taskId, String progress) throws IOException {
        await().atMost(RUN_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode run = task(taskId).get("individualTasks").get(0);
            return run.path("status").asText().equals("RUNNING") && run.path("progress").asText().equals(progress);
        });
        return task(taskId).get("individualTasks").get(0);
    }

    /** The {@code result} event the trainer wrote on its stdout (kept as the run's stdout). */
    static JsonNode trainerResult(JsonNode run) throws IOException {
        for (String line : run.get("stdout").asText().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode event = Json.MAPPER.readTree(line);
                if (event.path("event").asText().equals("result")) {
                    return event;
                }
            }
        }
        throw new AssertionError("the trainer reported no result: " + run.get("stdout").asText());
    }

    /** Downloads a model resource to a file (its binaryPath + /download). */
    Path download(String binaryPath, String fileName) throws IOException {
        HttpResponse<byte[]> model = ingress.bytes(binaryPath + "/download", ingress.reader());
        assertThat(model.statusCode()).isEqualTo(200);
        return Files.write(scratch.resolve(fileName), model.body());
    }

    /** Runs Debian's python3 with {@code args} to its end; its output (stdout and stderr). */
    String python(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON));
        command.addAll(args);
        Path log = Files.createTempFile(scratch, "python-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("python did not finish: " + command);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** Loads a downloaded model with joblib and scores it on a CSV; the last output line as JSON. */
    JsonNode predict(Path model, Path csv, String preprocessing) throws IOException, InterruptedException {
        String output = python(List.of("-c", "import sys, json, joblib\nimport pandas as pd\n"
                + "m = joblib.load(sys.argv[1])\ndf = pd.read_csv(sys.argv[2])\n" + preprocessing
                + "pred = m['estimator'].predict(df[m['features']])\ny = df[m['target']]\n"
                + "score = float((pred == y).mean()) if m['problemType'] == 'classification' "
                + "else float(1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum())\n"
                + "print(json.dumps({'rows': len(pred), 'score': score, 'version': m['version'], "
                + "'algorithm': m['algorithm'], 'modelName': m['modelName']}))\n",
                model.toString(), csv.toString()));
        String[] lines = output.strip().split("\n");
        return Json.MAPPER.readTree(lines[lines.length - 1]);
    }

    /** A maiascore 200's body: the bare document. */
    static JsonNode maiascore(HttpResponse<String> response) throws IOException {
        return ok(response);
    }

    /** The {@code response} of a Chorus answer, which must have {@code status}. */
    static JsonNode chorus(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return tree(response).get("response");
    }

    /** A Chorus session of the tenant's admin, as a {@code Cookie:} credential for {@link TestIngress#send}. */
    String chorusLogin() {
        HttpResponse<String> response = ingress.send("POST", "/api/sessions", null, "application/x-www-form-urlencoded",
                ("username=" + ingress.tenant + "%2Fadmin&password=" + TestIngress.PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return "Cookie:" + cookie.substring(0, cookie.indexOf(';'));
    }

    @Override
    public void close() {
        worker.close();
        ingress.close();
    }
}
