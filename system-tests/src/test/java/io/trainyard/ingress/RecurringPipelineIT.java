package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.worker.Worker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recurring pipelines on a real scheduler and worker: every fire starts an instance whose steps
 * run in order; under SKIP a fire while an instance runs is skipped and counted, under QUEUE_ONE
 * it waits for the instance's end; DELETE stops the fires.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class RecurringPipelineIT {
    static final String EVERY_SECOND = "* * * * * ?";

    static TestIngress ingress;
    static SchedulerService scheduler;
    static Worker worker;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), DelayedOneTimeIT.redisUri(), Map.of());
        scheduler = DelayedOneTimeIT.startScheduler(ingress.tenant + "-recurring-pipelines");
        worker = ScriptEndToEndIT.sandboxedWorker(ingress, "recurring-pipeline-worker");
    }

    @AfterAll
    static void stop() {
        worker.close();
        scheduler.close();
        ingress.close();
    }

    static JsonNode tree(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    private static JsonNode recurring(String id) throws Exception {
        return tree(ingress.get("/service/mlw/pipelines/" + id, ingress.reader()));
    }

    private static List<JsonNode> instances(String id, String status) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        recurring(id).get("instances").forEach(i -> {
            if (status == null || i.get("status").asText().equals(status)) {
                out.add(i);
            }
        });
        return out;
    }

    private static Map<String, String> run(String runId) {
        try (var redis = RealRedis.client()) {
            return redis.hgetAll(new TenantKeys(ingress.tenant).run(runId));
        }
    }

    /** How many instances of the recurring pipeline {@code name} were ever started. */
    private static long started(String name) {
        try (var redis = RealRedis.client()) {
            return redis.hkeys(new PipelineKeys(ingress.tenant).names()).stream()
                    .filter(n -> n.startsWith(name + "@")).count();
        }
    }

    @Test
    void everyFireStartsAnInstanceWhoseStepsRunInOrderAndDeleteStopsTheFires() throws Exception {
        JsonNode created = tree(ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"chain\",\"recurrence\":\"REPEAT\",\"cronExpression\":\"" + EVERY_SECOND + "\","
                        + "\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"},"
                        + "{\"name\":\"b\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]},"
                        + "{\"name\":\"c\",\"type\":\"NOOP\",\"dependsOn\":[\"b\"]}]}"));
        String id = created.get("id").asText();
        assertThat(created.get("recurrence").asText()).isEqualTo("REPEAT");
        assertThat(created.get("overlap").asText()).isEqualTo("SKIP");

        List<JsonNode> completed = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> instances(id, "COMPLETED"), list -> list.size() >= 2);
        for (JsonNode instance : completed) {
            JsonNode pipeline = tree(ingress.get("/service/mlw/pipelines/" + instance.get("pipelineID").asText(),
                    ingress.reader()));
            assertThat(pipeline.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(pipeline.get("pipelineName").asText()).startsWith("chain@");
            Map<String, Map<String, String>> runs = new HashMap<>();
            pipeline.get("steps").forEach(s -> runs.put(s.get("name").asText(), run(s.get("runID").asText())));
            assertThat(runs.values()).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("COMPLETED"));
            assertThat(Long.parseLong(runs.get("b").get("executedAt")))
                    .isGreaterThanOrEqualTo(Long.parseLong(runs.get("a").get("completedAt")));
            assertThat(Long.parseLong(runs.get("c").get("executedAt")))
                    .isGreaterThanOrEqualTo(Long.parseLong(runs.get("b").get("completedAt")));
            Map<String, String> head = run(instance.get("runID").asText());
            String endedAt;
            try (var redis = RealRedis.client()) {
                endedAt = redis.hget(new PipelineKeys(ingress.tenant).pipeline(instance.get("pipelineID").asText()),
                        "endedAt");
            }
            System.out.printf("recurring pipeline instance: started %d ms after its fire, head run ended %d ms after "
                    + "the instance%n", Long.parseLong(head.get("startedAt")) - Long.parseLong(head.get("fireTime")),
                    Long.parseLong(head.get("completedAt")) - Long.parseLong(endedAt));
        }

        tree(ingress.json("DELETE", "/service/mlw/pipelines/" + id, ingress.admin(), null));
        assertThat(ingress.get("/service/mlw/pipelines/" + id, ingress.reader()).statusCode()).isEqualTo(404);
        long afterDelete = started("chain");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> started("chain") == afterDelete);
    }

    @Test
    void underSkipAFireWhileTheInstanceRunsIsSkippedAndCounted() throws Exception {
        JsonNode created = tree(ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"slow\",\"recurrence\":\"REPEAT\",\"cronExpression\":\"" + EVERY_SECOND + "\","
                        + "\"overlap\":\"SKIP\",\"steps\":[{\"name\":\"sleep\",\"script\":\"import time\\ntime.sleep(4)\\n\"},"
                        + "{\"name\":\"after\",\"type\":\"NOOP\",\"dependsOn\":[\"sleep\"]}]}"));
        String id = created.get("id").asText();
        JsonNode first = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> instances(id, null), list -> !list.isEmpty()).getFirst();
        String firstPipeline = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> instances(id, null).getFirst().path("pipelineID").asText(""), p -> !p.isEmpty());
        // Fires come every second while the first instance sleeps: skipped, one instance only.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> recurring(id).get("skippedFires").asLong() >= 2);
        assertThat(tree(ingress.get("/service/mlw/pipelines/" + firstPipeline, ingress.reader()))
                .get("status").asText()).isEqualTo("RUNNING");
        assertThat(instances(id, null)).hasSize(1);
        assertThat(started("slow")).isEqualTo(1);

        // Once it ended, the next fire starts the next instance.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> instances(id, null).size() >= 2);
        List<JsonNode> all = instances(id, null);
        assertThat(all.getFirst().get("runID").asText()).isEqualTo(first.get("runID").asText());
        assertThat(all.getFirst().get("status").asText()).isEqualTo("COMPLETED");
        Map<String, String> firstHead = run(all.getFirst().get("runID").asText());
        Map<String, String> secondHead = run(all.get(1).get("runID").asText());
        assertThat(Long.parseLong(secondHead.get("fireTime")))
                .as("the second instance fired after the first ended")
                .isGreaterThanOrEqualTo(Long.parseLong(firstHead.get("completedAt")) - 1_000);
        tree(ingress.json("DELETE", "/service/mlw/pipelines/" + id, ingress.admin(), null));
    }

    @Test
    void underQueueOneAFireWhileTheInstanceRunsWaitsForItsEnd() throws Exception {
        JsonNode created = tree(ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"held\",\"recurrence\":\"REPEAT\",\"cronExpression\":\"" + EVERY_SECOND + "\","
                        + "\"overlap\":\"QUEUE_ONE\",\"steps\":[{\"name\":\"sleep\","
                        + "\"script\":\"import time\\ntime.sleep(3)\\n\"}]}"));
        String id = created.get("id").asText();
        List<JsonNode> two = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> instances(id, null), list -> list.size() >= 2
                        && !list.get(1).path("pipelineID").asText("").isEmpty());
        tree(ingress.json("DELETE", "/service/mlw/pipelines/" + id, ingress.admin(), null));
        Map<String, String> firstHead = run(two.get(0).get("runID").asText());
        Map<String, String> secondHead = run(two.get(1).get("runID").asText());
        long firstEnded = Long.parseLong(firstHead.get("completedAt"));
        // Held, not skipped: the second fire came while the first instance ran and started after it ended.
        assertThat(Long.parseLong(secondHead.get("fireTime"))).isLessThan(firstEnded);
        assertThat(Long.parseLong(secondHead.get("startedAt"))).isGreaterThanOrEqualTo(firstEnded);
    }

    @Test
    void aBadRecurrenceOrOverlapIsA400NamingTheField() throws Exception {
        HttpResponse<String> overlap = ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"bad-overlap\",\"recurrence\":\"REPEAT\",\"cronExpression\":\"" + EVERY_SECOND
                        + "\",\"overlap\":\"SOMETIMES\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"}]}");
        assertThat(overlap.statusCode()).isEqualTo(400);
        assertThat(overlap.body()).contains("overlap");
        HttpResponse<String> cron = ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"bad-cron\",\"recurrence\":\"REPEAT\","
                        + "\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"}]}");
        assertThat(cron.statusCode()).isEqualTo(400);
        assertThat(cron.body()).contains("cronExpression");
    }
}
