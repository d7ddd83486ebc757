package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.json.Json;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Flow control through the MLW API, end to end: priorities and concurrency keys on submits, pause
 * and resume of a tenant's queue and of one job type, a tenant's rate limit. The ingress submits,
 * one worker (one slot, so runs start in the order their records come) runs, and a scheduler
 * hands rate-limited jobs back when due.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class FlowControlApiIT {
    private static final Duration BOUND = Duration.ofSeconds(60);
    static TestIngress ingress;
    static Worker worker;
    static SchedulerService scheduler;
    static String execute;
    static JedisPooled redis;

    @BeforeAll
    static void start() throws Exception {
        String redisUri = "redis://127.0.0.1:" + RealRedis.server().port();
        redis = RealRedis.client();
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), redisUri, Map.of());
        worker = Worker.start(ConfigTable.load(WorkerSettings.ALL, Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), redisUri,
                CommonSettings.DATA_DIR.env(), ingress.dataDir.toString(),
                WorkerSettings.WORKER_ID.env(), "flow-worker",
                WorkerSettings.SLOTS.env(), "1",
                WorkerSettings.WARM_SCRIPT_SANDBOXES.env(), "0",
                WorkerSettings.WARM_TRAINER_SANDBOXES.env(), "0",
                WorkerSettings.OPS_PORT.env(), "0",
                WorkerSettings.SANDBOX.env(), "none")));
        scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), redisUri,
                SchedulerSettings.OPS_PORT.env(), "0",
                SchedulerSettings.FLOW_SWEEP_MS.env(), "100",
                SchedulerSettings.INSTANCE_ID.env(), "flow-scheduler")), InstantSource.system(), () -> { });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(scheduler::ready);
        String projectId = tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(), "{\"name\":\"flow\"}"))
                .get("id").asText();
        String resourceId = tree(ingress.upload("/service/mlw/projects/" + projectId + "/resources", ingress.admin(),
                "hello.py", "print('hello')\n")).get("id").asText();
        execute = "/service/mlw/projects/" + projectId + "/resources/" + resourceId + "/execute";
    }

    @AfterAll
    static void stop() {
        scheduler.close();
        worker.close();
        ingress.close();
        redis.close();
    }

    static JsonNode tree(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    private static HttpResponse<String> submit(String name, String flowFields) {
        return ingress.json("POST", execute, ingress.admin(), "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\","
                + "\"taskName\":\"" + name + "\"" + flowFields + "}");
    }

    /** Submits; the path of its run. */
    private static String submitted(String name, String flowFields) throws Exception {
        HttpResponse<String> response = submit(name, flowFields);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode task = tree(response);
        return "/service/mlw/tasks/" + task.get("id").asText() + "/task/"
                + task.get("individualTasks").get(0).get("id").asText();
    }

    private static JsonNode run(String path) throws Exception {
        return tree(ingress.get(path, ingress.reader()));
    }

    private static JsonNode awaitRun(String path, java.util.function.Predicate<JsonNode> condition) {
        return await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(() -> run(path), condition);
    }

    private static List<JsonNode> completed(List<String> paths) {
        List<JsonNode> runs = new ArrayList<>();
        for (String path : paths) {
            runs.add(awaitRun(path, r -> r.path("status").asText().equals("COMPLETED")));
        }
        return runs;
    }

    /** A time field of the run (epoch ms), from its record: MLW shows whole seconds. */
    private static long millis(JsonNode run, String field) {
        return Long.parseLong(redis.hget(new TenantKeys(ingress.tenant).run(run.get("id").asText()), field));
    }

    private static long executedAt(JsonNode run) {
        return millis(run, "executedAt");
    }

    @Test
    void badFlowFieldsAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> priority = submit("bad-priority", ",\"priority\":\"urgent\"");
        assertThat(priority.statusCode()).isEqualTo(400);
        assertThat(priority.body()).contains("priority").contains("high, normal or low");
        HttpResponse<String> key = submit("bad-key", ",\"concurrencyKey\":\"{slot}\"");
        assertThat(key.statusCode()).isEqualTo(400);
        assertThat(key.body()).contains("concurrencyKey");
        HttpResponse<String> limit = ingress.json("PUT", "/service/mlw/flow/concurrency/db", ingress.admin(),
                "{\"limit\":0}");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(limit.body()).contains("limit");
        HttpResponse<String> type = ingress.json("POST", "/service/mlw/flow/pause", ingress.admin(), "{\"type\":\"GPU\"}");
        assertThat(type.statusCode()).isEqualTo(400);
        assertThat(type.body()).contains("type");
    }

    @Test
    void pausedJobsStayQueuedWithNoAttemptSpentAndResumeInOrder() throws Exception {
        assertThat(ingress.json("POST", "/service/mlw/flow/pause", ingress.admin(), "{}").statusCode()).isEqualTo(200);
        assertThat(tree(ingress.get("/service/mlw/flow", ingress.reader())).get("paused").asBoolean()).isTrue();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            paths.add(submitted("paused-" + i, ""));
        }
        for (String path : paths) {
            JsonNode parked = awaitRun(path, r -> r.path("message").asText().startsWith("Paused"));
            assertThat(parked.get("status").asText()).isEqualTo("QUEUED");
        }

        HttpResponse<String> resumed = ingress.json("POST", "/service/mlw/flow/resume", ingress.admin(), "{}");
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(tree(resumed).get("resumed").asInt()).isEqualTo(4);

        List<JsonNode> runs = completed(paths);
        for (int i = 1; i < runs.size(); i++) {
            assertThat(executedAt(runs.get(i))).isGreaterThanOrEqualTo(executedAt(runs.get(i - 1)));
        }
        for (JsonNode run : runs) {
            assertThat(run.get("attempt").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aPauseOfOneJobTypeHoldsOnlyThatType() throws Exception {
        ingress.json("POST", "/service/mlw/flow/pause", ingress.admin(), "{\"type\":\"WORKFLOW\"}");
        try {
            // A script is of type CODE: it runs while workflows are paused.
            completed(List.of(submitted("code-runs", "")));
            assertThat(tree(ingress.get("/service/mlw/flow", ingress.reader())).get("pausedTypes"))
                    .extracting(JsonNode::asText).containsExactly("WORKFLOW");
            ingress.json("POST", "/service/mlw/flow/pause", ingress.admin(), "{\"type\":\"CODE\"}");
            String held = submitted("code-held", "");
            awaitRun(held, r -> r.path("message").asText().startsWith("Paused"));
            ingress.json("POST", "/service/mlw/flow/resume", ingress.admin(), "{\"type\":\"CODE\"}");
            completed(List.of(held));
        } finally {
            ingress.json("POST", "/service/mlw/flow/resume", ingress.admin(), "{\"type\":\"WORKFLOW\"}");
        }
    }

    @Test
    void aTenantsRateLimitSmoothsABurstAndDropsNone() throws Exception {
        HttpResponse<String> rate = ingress.json("PUT", "/service/mlw/flow/rate", ingress.admin(), "{\"perSecond\":2}");
        assertThat(rate.statusCode()).as(rate.body()).isEqualTo(200);
        try {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                paths.add(submitted("burst-" + i, ""));
            }
            List<JsonNode> runs = completed(paths);
            long first = runs.stream().mapToLong(FlowControlApiIT::executedAt).min().orElseThrow();
            long last = runs.stream().mapToLong(FlowControlApiIT::executedAt).max().orElseThrow();
            // Two start at once (the bucket holds a second's tokens), the other six one every 500 ms.
            assertThat(last - first).as("ms from the first start to the last").isGreaterThanOrEqualTo(2_500);
            assertThat(runs).allSatisfy(run -> assertThat(run.get("attempt").asInt()).isEqualTo(1));
        } finally {
            ingress.json("DELETE", "/service/mlw/flow/rate", ingress.admin(), null);
        }
    }

    @Test
    void aConcurrencyLimitStoredThroughTheApiHoldsTheSecondRunOfItsKey() throws Exception {
        assertThat(ingress.json("PUT", "/service/mlw/flow/concurrency/db", ingress.admin(), "{\"limit\":1}")
                .statusCode()).isEqualTo(200);
        ingress.json("POST", "/service/mlw/flow/pause", ingress.admin(), "{}");
        String first = submitted("db-1", ",\"concurrencyKey\":\"db\"");
        String second = submitted("db-2", ",\"concurrencyKey\":\"db\",\"priority\":\"high\"");
        awaitRun(second, r -> r.path("message").asText().startsWith("Paused"));
        ingress.json("POST", "/service/mlw/flow/resume", ingress.admin(), "{}");

        List<JsonNode> runs = completed(List.of(first, second));
        JsonNode key = tree(ingress.get("/service/mlw/flow/concurrency/db", ingress.reader()));
        assertThat(key.get("limit").asInt()).isEqualTo(1);
        assertThat(key.get("running").asInt()).isZero();
        assertThat(key.get("waiting").asInt()).isZero();
        // One at a time: whichever started first (the high one may, on resume), the other started
        // once it had ended.
        List<JsonNode> byStart = runs.stream().sorted(Comparator.comparingLong(FlowControlApiIT::executedAt)).toList();
        assertThat(executedAt(byStart.get(1))).isGreaterThanOrEqualTo(millis(byStart.get(0), "completedAt"));
    }
}
