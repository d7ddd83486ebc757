package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.common.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/** "Run again" through the API: a new run of the same one-time task, its job on Kafka; refused while one runs. */
@ExtendWith({RealKafka.class, RealRedis.class})
class RerunIT {
    static TestIngress ingress;
    static JedisPooled redis;
    static String execute;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        redis = RealRedis.client();
        String project = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"again\"}")).get("id").asText();
        String script = MlwSubmitIT.tree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "again.py", "print('again')\n")).get("id").asText();
        execute = "/service/mlw/projects/" + project + "/resources/" + script + "/execute";
    }

    @AfterAll
    static void stop() {
        redis.close();
        ingress.close();
    }

    @Test
    void anEndedTaskRunsAgainAsANewRunOfTheSameTask() throws Exception {
        JsonNode task = MlwSubmitIT.tree(ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"twice\"}"));
        String taskId = task.get("id").asText();
        String run = "/service/mlw/tasks/" + taskId + "/run";
        TaskStore store = new TaskStore(redis);
        String first = store.runIds(ingress.tenant, taskId).getFirst();

        HttpResponse<String> busy = ingress.json("POST", run, ingress.admin(), null);
        assertThat(busy.statusCode()).as("its first run is still queued").isEqualTo(409);
        assertThat(busy.body()).contains(first);
        // No worker here: end the first run as one would.
        redis.hset(new TenantKeys(ingress.tenant).run(first), "status", "COMPLETED");

        assertThat(ingress.json("POST", run, ingress.reader(), null).statusCode()).isEqualTo(403);
        HttpResponse<String> again = ingress.json("POST", run, ingress.admin(), null);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        String second = Json.MAPPER.readTree(again.body()).get("runId").asText();
        assertThat(store.runIds(ingress.tenant, taskId)).containsExactly(first, second);
        assertThat(store.run(ingress.tenant, second).orElseThrow()).containsEntry("status", "QUEUED")
                .containsEntry("tasksID", taskId).containsEntry("taskName", "twice");
        JsonNode job = await().atMost(Duration.ofSeconds(10)).until(() -> TopicRecords.read(Topics.SCRIPT_JOBS, second),
                records -> !records.isEmpty()).stream().map(r -> {
                    try {
                        return Json.MAPPER.readTree(r.value());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).findFirst().orElseThrow();
        assertThat(job.get("taskId").asText()).isEqualTo(taskId);
        assertThat(job.get("type").asText()).isEqualTo("CODE");

        assertThat(ingress.json("POST", "/service/mlw/tasks/nosuch/run", ingress.admin(), null).statusCode())
                .isEqualTo(404);
        JsonNode repeat = MlwSubmitIT.tree(ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"REPEAT\",\"cronExpression\":\"0 0 3 * * ?\",\"taskName\":\"nightly-again\"}"));
        assertThat(ingress.json("POST", "/service/mlw/tasks/" + repeat.get("id").asText() + "/run", ingress.admin(),
                null).statusCode()).isEqualTo(409);
    }
}
