package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.Worker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipelines end to end on a real worker: a diamond of scripts hands files down through
 * {@code outputs/} and {@code inputs/<parent>/}, each step starts once its parents completed and
 * once only; a failing step under failFast cancels the waiting steps and stops a running one.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class PipelineEndToEndIT {
    static TestIngress ingress;
    static Worker worker;
    static String projectId;

    @BeforeAll
    static void start() throws Exception {
        String redisUri = "redis://127.0.0.1:" + RealRedis.server().port();
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), redisUri, Map.of());
        worker = ScriptEndToEndIT.sandboxedWorker(ingress, "pipeline-worker");
        projectId = tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"dag\"}"))
                .get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
        ingress.close();
    }

    static JsonNode tree(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    private String script(String name, String source) throws Exception {
        return tree(ingress.upload("/service/mlw/projects/" + projectId + "/resources", ingress.admin(),
                name + ".py", source)).get("id").asText();
    }

    private String step(String name, String resourceId, String... parents) {
        return "{\"name\":\"" + name + "\",\"projectID\":\"" + projectId + "\",\"resourceID\":\"" + resourceId
                + "\",\"dependsOn\":[" + String.join(",", java.util.Arrays.stream(parents).map(p -> "\"" + p + "\"")
                .toList()) + "]}";
    }

    private JsonNode awaitEnd(String id) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                tree(ingress.get("/service/mlw/pipelines/" + id, ingress.reader())), p -> {
                    String status = p.get("status").asText();
                    return !status.equals("RUNNING") && !status.equals("CANCELLING");
                });
    }

    private static Map<String, String> runHash(String runId) {
        try (var redis = RealRedis.client()) {
            return redis.hgetAll(new io.trainyard.common.store.TenantKeys(ingress.tenant).run(runId));
        }
    }

    private static Map<String, JsonNode> steps(JsonNode pipeline) {
        Map<String, JsonNode> out = new HashMap<>();
        pipeline.get("steps").forEach(s -> out.put(s.get("name").asText(), s));
        return out;
    }

    private JsonNode run(JsonNode step) throws Exception {
        return tree(ingress.get("/service/mlw/tasks/" + step.get("taskID").asText() + "/task/"
                + step.get("runID").asText(), ingress.reader()));
    }

    @Test
    void aDiamondHandsItsOutputsDownAndEachStepRunsOnceAfterItsParents() throws Exception {
        String a = script("a", "open('outputs/numbers.csv', 'w').write('1,2,3')\n");
        String b = script("b", "n = open('inputs/a/numbers.csv').read().split(',')\n"
                + "open('outputs/sum.txt', 'w').write(str(sum(map(int, n))))\n");
        String c = script("c", "n = open('inputs/a/numbers.csv').read().split(',')\n"
                + "open('outputs/count.txt', 'w').write(str(len(n)))\n");
        String d = script("d", "import os\nprint(open('inputs/b/sum.txt').read(), open('inputs/c/count.txt').read(),"
                + " sorted(os.listdir('inputs')))\n");
        JsonNode created = tree(ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"files\",\"steps\":[" + step("a", a) + "," + step("b", b, "a") + ","
                        + step("c", c, "a") + "," + step("d", d, "b", "c") + "]}"));
        JsonNode ended = awaitEnd(created.get("id").asText());
        assertThat(ended.get("status").asText()).as(ended.toString()).isEqualTo("COMPLETED");
        Map<String, JsonNode> s = steps(ended);
        JsonNode dRun = run(s.get("d"));
        assertThat(dRun.get("stdout").asText()).isEqualTo("6 3 ['b', 'c']\n");
        for (JsonNode step : s.values()) {
            JsonNode r = run(step);
            assertThat(r.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(r.get("attempt").asInt()).as("started once: " + step.get("name")).isEqualTo(1);
        }
        long startedD = Long.parseLong(runHash(s.get("d").get("runID").asText()).get("executedAt"));
        for (String parent : new String[] {"b", "c"}) {
            long parentEnd = Long.parseLong(runHash(s.get(parent).get("runID").asText())
                    .get("completedAt"));
            assertThat(startedD).as("d starts after " + parent + " ended").isGreaterThanOrEqualTo(parentEnd);
        }
        JsonNode resources = tree(ingress.get("/service/mlw/projects/" + projectId + "/resources", ingress.reader()));
        assertThat(resources.toString()).contains("numbers.csv", "sum.txt", "count.txt");
    }

    @Test
    void aStepKeepsOnlyThePlainFilesItWroteNotLinksToTheWorkersFiles() throws Exception {
        String sneaky = script("sneaky", "import os\nopen('outputs/kept.txt', 'w').write('ok')\n"
                + "os.symlink('/etc/passwd', 'outputs/passwd.txt')\nos.symlink('/etc', 'outputs/etc')\n");
        String reader = script("reader", "import os\nprint(sorted(os.listdir('inputs/a')))\n");
        JsonNode created = tree(ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"links\",\"steps\":[" + step("a", sneaky) + "," + step("b", reader, "a") + "]}"));
        JsonNode ended = awaitEnd(created.get("id").asText());
        assertThat(ended.get("status").asText()).as(ended.toString()).isEqualTo("COMPLETED");
        assertThat(run(steps(ended).get("b")).get("stdout").asText()).isEqualTo("['kept.txt']\n");
        JsonNode resources = tree(ingress.get("/service/mlw/projects/" + projectId + "/resources", ingress.reader()));
        assertThat(resources.toString()).contains("kept.txt").doesNotContain("passwd.txt");
    }

    @Test
    void aChildWhoseJobIsPublishedAgainDoesNotRunAgain() throws Exception {
        String slow = script("slow-parent", "import time\ntime.sleep(2)\n");
        String child = script("child", "print('child ran')\n");
        JsonNode created = tree(ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"twice\",\"steps\":[" + step("a", slow) + "," + step("b", child, "a") + "]}"));
        String id = created.get("id").asText();
        // As a crashed worker's reconciler would: b's job on Kafka again, twice, once b was released.
        String pipelineKey = new io.trainyard.common.pipeline.PipelineKeys(ingress.tenant).pipeline(id);
        String job;
        try (var redis = RealRedis.client()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !"WAITING".equals(redis.hget(pipelineKey, "s:b")));
            job = redis.hget(pipelineKey, "j:b");
        }
        String runId = steps(created).get("b").get("runID").asText();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", RealKafka.broker().bootstrapServers(), "acks", "all"),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < 2; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        io.trainyard.common.kafka.Topics.SCRIPT_JOBS, runId, job)).get();
            }
        }
        JsonNode ended = awaitEnd(id);
        assertThat(ended.get("status").asText()).isEqualTo("COMPLETED");
        Map<String, String> once = runHash(runId);
        assertThat(once.get("attempt")).isEqualTo("1");
        // The spare records find the run ended and leave it as it is.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> runHash(runId).equals(once));
    }

    @Test
    void underFailFastAFailingStepCancelsTheWaitingStepsAndStopsTheRunningOne() throws Exception {
        String fails = script("fails", "import time\ntime.sleep(1)\nraise SystemExit(3)\n");
        String slow = script("slow", "import time\ntime.sleep(60)\n");
        String never = script("never", "print('never')\n");
        JsonNode created = tree(ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"fails\",\"failurePolicy\":\"failFast\",\"steps\":[" + step("a", fails) + ","
                        + step("slow", slow) + "," + step("b", never, "a") + "," + step("c", never, "b") + "]}"));
        JsonNode ended = awaitEnd(created.get("id").asText());
        assertThat(ended.get("status").asText()).isEqualTo("FAILED");
        Map<String, JsonNode> s = steps(ended);
        assertThat(s.get("a").get("status").asText()).isEqualTo("FAILED");
        assertThat(s.get("slow").get("status").asText()).isEqualTo("CANCELLED");
        assertThat(s.get("b").get("status").asText()).isEqualTo("CANCELLED");
        assertThat(s.get("c").get("runStatus").asText()).isEqualTo("CANCELLED");
        assertThat(run(s.get("b")).path("executedAt").asText("")).as("b never started").isEmpty();
    }
}
