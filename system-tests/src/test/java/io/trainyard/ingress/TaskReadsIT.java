package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.RunLedger;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a worker writes to a run (through the fenced ledger) shows up on the task endpoints. */
@ExtendWith({RealKafka.class, RealRedis.class})
class TaskReadsIT {
    static TestIngress ingress;
    static String execute;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        String project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"reads\"}").body()).get("id").asText();
        String resource = Json.MAPPER.readTree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "job.py", "print(1)").body()).get("id").asText();
        execute = "/service/mlw/projects/" + project + "/resources/" + resource + "/execute";
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    static JsonNode submit(String name) throws Exception {
        HttpResponse<String> response = ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + name + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void aFinishedRunShowsStatusExitCodeTimingsAndOutput() throws Exception {
        JsonNode task = submit("finished");
        String taskId = task.get("id").asText();
        String runId = task.get("individualTasks").get(0).get("id").asText();
        try (var redis = RealRedis.client()) {
            RunLedger ledger = new RunLedger(redis, 30_000);
            var started = (RunLedger.Start.Started) ledger.start(ingress.tenant, runId, "w1", 1,
                    System.currentTimeMillis(), Map.of());
            ledger.finish(ingress.tenant, runId, started.epoch(), RunStatus.FAILED, System.currentTimeMillis(),
                    Map.of("exitCode", "3", "message", "Exited with code 3"), Map.of("stdout", "out\n", "stderr", "boom\n"));
        }

        JsonNode run = Json.MAPPER.readTree(ingress.get("/service/mlw/tasks/" + taskId + "/task/" + runId,
                ingress.reader()).body());
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("exitCode").asInt()).isEqualTo(3);
        assertThat(run.get("message").asText()).isEqualTo("Exited with code 3");
        assertThat(run.get("stdout").asText()).isEqualTo("out\n");
        assertThat(run.get("stderr").asText()).isEqualTo("boom\n");
        assertThat(run.get("executedAt").asText()).isNotEmpty();
        assertThat(run.get("completedAt").asText()).isNotEmpty();

        JsonNode parent = Json.MAPPER.readTree(ingress.get("/service/mlw/tasks/" + taskId, ingress.reader()).body());
        assertThat(parent.get("status").asText()).isEqualTo("EXECUTED");
        assertThat(ingress.get("/service/mlw/tasks/" + taskId + "/task/not-a-run", ingress.reader()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void tasksArePagedAndFiltered() throws Exception {
        for (int i = 0; i < 5; i++) {
            submit("page-" + i);
        }
        HttpResponse<String> page = ingress.get("/service/mlw/tasks?pageSize=2&currentPage=2&type=CODE", ingress.reader());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(page.body())).hasSize(2);
        assertThat(Long.parseLong(page.headers().firstValue("X-Total-Count").orElseThrow())).isGreaterThanOrEqualTo(5);
        assertThat(Json.MAPPER.readTree(ingress.get("/service/mlw/tasks?type=WORKFLOW", ingress.reader()).body())).isEmpty();
        assertThat(Json.MAPPER.readTree(ingress.get("/service/mlw/tasks?status=RUNNING", ingress.reader()).body()))
                .allSatisfy(t -> assertThat(t.get("status").asText()).isEqualTo("RUNNING"));
    }

    @Test
    void deletingARunCancelsIt() throws Exception {
        JsonNode task = submit("cancel-one");
        String taskId = task.get("id").asText();
        String runId = task.get("individualTasks").get(0).get("id").asText();
        HttpResponse<String> deleted = ingress.send("DELETE", "/service/mlw/tasks/" + taskId + "/task/" + runId,
                ingress.admin(), null, null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(deleted.body()).get("status").asText()).isEqualTo("CANCELLED");
        JsonNode parent = Json.MAPPER.readTree(ingress.get("/service/mlw/tasks/" + taskId, ingress.reader()).body());
        assertThat(parent.get("individualTasks")).isEmpty();
    }

    @Test
    void metricsCountRequestsAndSubmissions() throws Exception {
        submit("metered");
        String metrics = ingress.get("/metrics", null).body();
        assertThat(metrics).contains("trainyard_ingress_requests_seconds_count");
        assertThat(metrics).contains("route=\"/service/mlw/projects/{projectID}/resources/{resourceID}/execute\"");
        assertThat(metrics).contains("trainyard_ingress_submissions_total{dialect=\"mlw\",outcome=\"accepted\",type=\"CODE\"}");
        assertThat(metrics).contains("trainyard_ingress_kafka_publish_seconds_bucket");
        assertThat(ingress.get("/health/ready", null).statusCode()).isIn(200, 503);
    }
}
