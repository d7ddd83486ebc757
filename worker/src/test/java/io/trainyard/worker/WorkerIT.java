package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.TaskStore;
import io.trainyard.worker.testing.WorkerHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A worker in-process, the real broker and the real redis-server: jobs in, run records out. */
@ExtendWith({RealKafka.class, RealRedis.class})
class WorkerIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TENANT = "worker-it";

    private static WorkerHarness harness;
    private static Worker worker;

    @BeforeAll
    static void startWorker() {
        harness = new WorkerHarness();
        worker = Worker.start(harness.config(Map.of()));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
        harness.close();
    }

    @Test
    void aScriptsStdoutStderrAndExitCodeAreRecorded() throws Exception {
        String runId = Ids.next();
        Path content = harness.dataDir().resolve("resources").resolve(TENANT).resolve("p1").resolve("r1").resolve("content");
        Files.createDirectories(content.getParent());
        Files.writeString(content, "import sys\nprint('hello from a resource')\nprint('to stderr', file=sys.stderr)\n");
        harness.publish(new io.trainyard.common.job.JobMessage(1, runId, "t-" + runId, TENANT, JobType.CODE, "p1", "r1",
                null, 30, 1, System.currentTimeMillis()));

        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "COMPLETED").containsEntry("exitCode", "0")
                .containsEntry("workerId", "test-worker").containsKeys("pID", "executedAt", "completedAt", "epoch");
        assertThat(harness.output(TENANT, runId))
                .containsEntry("stdout", "hello from a resource\n")
                .containsEntry("stderr", "to stderr\n");
    }

    @Test
    void aFailingScriptEndsFailedWithItsExitCode() {
        String runId = Ids.next();
        harness.publish(WorkerHarness.code(TENANT, runId, "import sys\nprint('about to fail')\nsys.exit(3)\n", 30));

        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "FAILED").containsEntry("exitCode", "3");
        assertThat(run.get("message")).contains("exit code 3");
        assertThat(harness.output(TENANT, runId)).containsEntry("stdout", "about to fail\n");
    }

    @Test
    void aJobFromAPlainProducerWithoutARecordRunsAndItsRunAppears() {
        String runId = "plain-" + Ids.next();
        String json = "{\"schemaVersion\":1,\"runId\":\"" + runId + "\",\"taskId\":\"t-plain\",\"tenant\":\"" + TENANT
                + "\",\"type\":\"CODE\",\"script\":\"print(6*7)\",\"timeoutSeconds\":30,\"attempt\":1,\"createdAt\":"
                + System.currentTimeMillis() + ",\"someFutureField\":true}";
        assertThat(harness.run(TENANT, runId)).isEmpty();

        harness.publish(Topics.SCRIPT_JOBS, runId, json);
        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "COMPLETED").containsEntry("tasksID", "t-plain")
                .containsEntry("type", "CODE").containsEntry("tenant", TENANT).containsKey("queuedAt");
        assertThat(harness.output(TENANT, runId)).containsEntry("stdout", "42\n");
    }

    @Test
    void aNoopJobCompletesWithoutAProcess() {
        String runId = Ids.next();
        harness.publish(WorkerHarness.of(TENANT, runId, JobType.NOOP));

        assertThat(harness.awaitEnd(TENANT, runId, START)).containsEntry("status", "COMPLETED").doesNotContainKey("pID");
    }

    @Test
    void malformedMessagesGoToTheDeadLetterTopicWithAReasonAndTheNextJobStillRuns() {
        String badJson = "bad-" + Ids.next();
        String badVersion = "v9-" + Ids.next();
        harness.publish(Topics.SCRIPT_JOBS, badJson, "{this is not json " + badJson);
        harness.publish(Topics.SCRIPT_JOBS, badVersion, "{\"schemaVersion\":9,\"runId\":\"" + badVersion
                + "\",\"taskId\":\"t\",\"tenant\":\"" + TENANT + "\",\"type\":\"NOOP\"}");
        String good = Ids.next();
        harness.publish(WorkerHarness.code(TENANT, good, "print('still here')", 30));

        assertThat(harness.awaitEnd(TENANT, good, START)).containsEntry("status", "COMPLETED");
        Map<String, String> reasons = deadLetterReasons(List.of(badJson, badVersion));
        assertThat(reasons.get(badJson)).startsWith("not a job message");
        assertThat(reasons.get(badVersion)).contains("unsupported schemaVersion 9");
        assertThat(harness.run(TENANT, badVersion)).isEmpty();
    }

    @Test
    void cancellingARunningScriptEndsItCancelledQuickly() {
        String runId = Ids.next();
        harness.publish(WorkerHarness.code(TENANT, runId, "while True:\n    pass\n", 120));
        harness.awaitStatus(TENANT, runId, "RUNNING", START);

        long cancelledAt = System.nanoTime();
        new TaskStore(harness.redis()).cancelRun(TENANT, runId, System.currentTimeMillis());
        Map<String, String> run = harness.awaitEnd(TENANT, runId, Duration.ofSeconds(5));

        assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(run).containsEntry("status", "CANCELLED");
        long pid = Long.parseLong(run.get("pID"));
        await().atMost(Duration.ofSeconds(2)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aRunCancelledWhileQueuedNeverStarts() {
        String runId = Ids.next();
        harness.redis().hset(new TenantKeys(TENANT).run(runId), Map.of("id", runId, "tenant", TENANT, "status", "QUEUED"));
        assertThat(new TaskStore(harness.redis()).cancelRun(TENANT, runId, System.currentTimeMillis())).contains("CANCELLED");
        double skippedBefore = skipped();

        harness.publish(WorkerHarness.code(TENANT, runId, "open('/work/started', 'w')\nwhile True:\n    pass\n", 60));
        await().atMost(START).until(() -> skipped() > skippedBefore);

        assertThat(harness.run(TENANT, runId)).containsEntry("status", "CANCELLED").doesNotContainKeys("executedAt", "workerId");
    }

    private static double skipped() {
        return worker.meters().find("trainyard.worker.runs.skipped").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aScriptPastItsTimeoutEndsTimedOut() {
        String runId = Ids.next();
        harness.publish(WorkerHarness.code(TENANT, runId, "import time\nprint('working', flush=True)\ntime.sleep(60)\n", 1));

        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "TIMED_OUT");
        assertThat(run.get("message")).contains("1 s");
        assertThat(harness.output(TENANT, runId)).containsEntry("stdout", "working\n");
    }

    @Test
    void aSandboxedScriptCannotOpenANetworkSocket() {
        String runId = Ids.next();
        int redisPort = RealRedis.server().port();
        harness.publish(WorkerHarness.code(TENANT, runId,
                "import socket\nsocket.create_connection(('127.0.0.1', " + redisPort + "), timeout=3)\nprint('connected')\n", 30));

        Map<String, String> run = harness.awaitEnd(TENANT, runId, START);

        assertThat(run).containsEntry("status", "FAILED");
        assertThat(harness.output(TENANT, runId).get("stdout")).doesNotContain("connected");
        assertThat(harness.output(TENANT, runId).get("stderr")).containsAnyOf("ConnectionRefused", "Network is unreachable", "OSError");
    }

    @Test
    void theOpsServerServesMetricsAndReadiness() throws Exception {
        String runId = Ids.next();
        harness.publish(WorkerHarness.of(TENANT, runId, JobType.NOOP));
        harness.awaitEnd(TENANT, runId, START);
        var client = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + worker.opsPort();

        String metrics = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        int ready = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health/ready")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();

        assertThat(metrics).contains("trainyard_worker_runs_started_total", "trainyard_worker_runs_finished_total",
                "trainyard_worker_slots{", "trainyard_worker_pickup_latency_seconds_bucket");
        assertThat(ready).isEqualTo(200);
    }

    private static Map<String, String> deadLetterReasons(List<String> keys) {
        Map<String, String> reasons = new java.util.HashMap<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", RealKafka.broker().bootstrapServers(), "group.id", "dlq-reader-" + Ids.next(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DLQ));
            await().atMost(START).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    var header = record.headers().lastHeader(DeadLetterHeaders.REASON);
                    if (header != null && keys.contains(record.key())) {
                        reasons.put(record.key(), new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
                return reasons.keySet().containsAll(keys);
            });
        }
        return reasons;
    }
}
