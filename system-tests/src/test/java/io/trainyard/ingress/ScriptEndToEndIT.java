package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.Worker;
import io.trainyard.worker.testing.WorkerHarness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The walking skeleton end to end: a script uploaded and executed over HTTP runs on a worker
 * through the real broker, and its output, exit code and status come back over HTTP.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class ScriptEndToEndIT {
    static TestIngress ingress;
    static Worker worker;
    static String projectId;

    @BeforeAll
    static void start() throws Exception {
        String redisUri = "redis://127.0.0.1:" + RealRedis.server().port();
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), redisUri, Map.of());
        worker = sandboxedWorker(ingress, "e2e-worker");
        projectId = tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"e2e\"}"))
                .get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
        ingress.close();
    }

    /** A worker of {@code ingress}'s data directory, in bubblewrap, with the default slots and topics. */
    static Worker sandboxedWorker(TestIngress ingress, String workerId) {
        return Worker.start(WorkerHarness.settings(workerId, ingress.dataDir, Map.of()));
    }

    static JsonNode tree(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    private JsonNode runToEnd(String taskName, String script) throws Exception {
        String resourceId = tree(ingress.upload("/service/mlw/projects/" + projectId + "/resources",
                ingress.admin(), taskName + ".py", script)).get("id").asText();
        HttpResponse<String> submitted = ingress.json("POST",
                "/service/mlw/projects/" + projectId + "/resources/" + resourceId + "/execute", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + taskName + "\"}");
        assertThat(submitted.statusCode()).isEqualTo(200);
        JsonNode task = tree(submitted);
        String taskId = task.get("id").asText();
        String runId = task.get("individualTasks").get(0).get("id").asText();
        String runPath = "/service/mlw/tasks/" + taskId + "/task/" + runId;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                tree(ingress.get(runPath, ingress.reader())).path("completedAt").asText().length() > 0);
        return tree(ingress.get(runPath, ingress.reader()));
    }

    @Test
    void aSubmittedScriptRunsAndItsOutputAndExitCodeShowOnTheRun() throws Exception {
        JsonNode run = runToEnd("hello", "import sys\nprint('out line')\nprint('err line', file=sys.stderr)\n");
        assertThat(run.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("exitCode").asInt()).isZero();
        assertThat(run.get("stdout").asText()).isEqualTo("out line\n");
        assertThat(run.get("stderr").asText()).isEqualTo("err line\n");
    }

    @Test
    void aFailingScriptEndsFailedWithItsExitCode() throws Exception {
        JsonNode run = runToEnd("failing", "import sys\nprint('about to fail')\nsys.exit(3)\n");
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("exitCode").asInt()).isEqualTo(3);
        assertThat(run.get("stdout").asText()).isEqualTo("about to fail\n");
    }
}
