package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Cancellation over every endpoint that offers it (MLW {@code DELETE /tasks/{id}} and
 * {@code DELETE /tasks/{id}/task/{runId}}, Chorus {@code /stop}, maiascore
 * {@code /trainings/cancel/{id}}), on a queued run and a running one each: a worker with one slot
 * runs the first run while the second waits behind it. The queued one is cancelled first and must
 * never start once the worker takes its job; the running one must end CANCELLED with its whole
 * process tree (a child process included) gone within two seconds. Then time limits on both: a
 * running run past its limit ends TIMED_OUT with its tree killed, and a queued run's limit counts
 * from its start, not from the queue.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CancelAndTimeoutIT {
    /** Spins with a child process, so "the whole process tree" has more than one process. */
    static final String SPINNER = "import subprocess\nsubprocess.Popen(['sleep', '600'])\nwhile True:\n    pass\n";
    static final String SLOW_PREPROCESSING = "import subprocess, time\n\ndef preprocess(df):\n"
            + "    subprocess.Popen(['sleep', '600'])\n    time.sleep(600)\n    return df\n";
    static final Duration KILLED_WITHIN = Duration.ofSeconds(2);

    static ChaosIngress ingress;
    static Worker worker;
    static JedisPooled redis;
    static Runs runs;
    static String project;
    static String spinner;
    static String slowWorkflow;

    @BeforeAll
    static void start() {
        ingress = ChaosIngress.start("cancel", Map.of());
        worker = InProcessWorker.start("cancel-worker", ingress.dataDir, Map.of(WorkerSettings.SLOTS.env(), "1"));
        redis = RealRedis.client();
        runs = new Runs(redis, ingress.tenant);
        project = ingress.project("cancel");
        spinner = ingress.upload(project, "spin.py", SPINNER);
        StringBuilder csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
        }
        String data = ingress.upload(project, "numbers.csv", csv.toString());
        String slow = ingress.upload(project, "slow.py", SLOW_PREPROCESSING);
        slowWorkflow = ingress.upload(project, "slow.wf", "{\"datasetResourceId\":\"" + data + "\","
                + "\"preprocessingResourceId\":\"" + slow + "\",\"problemType\":\"classification\","
                + "\"targetVariable\":\"label\",\"algorithms\":[\"decision_tree\"],\"modelName\":\"never\"}");
    }

    @AfterAll
    static void stop() {
        worker.close();
        redis.close();
        ingress.close();
    }

    /** A one-time task of the spinning script; returns {taskId, runId}. */
    private static String[] execute(String name, long timeoutSeconds, String resource) {
        JsonNode task = ChaosIngress.ok(ingress.json("POST", ChaosIngress.executePath(project, resource),
                ChaosIngress.executeBody(name, timeoutSeconds)));
        return new String[] {task.get("id").asText(), task.get("individualTasks").get(0).get("id").asText()};
    }

    /** Waits until the run's process runs, and returns it with its descendants. */
    private static List<ProcessHandle> awaitProcessTree(String runId, int atLeast) {
        String pid = await().atMost(Duration.ofSeconds(60)).until(() -> runs.run(runId).get("pID"), p -> p != null);
        ProcessHandle root = ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> root.descendants().count() >= atLeast);
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()).toList();
    }

    private static void assertKilled(List<ProcessHandle> tree) {
        await().atMost(KILLED_WITHIN).until(() -> tree.stream().noneMatch(CancelAndTimeoutIT::running));
    }

    /**
     * Alive and not a zombie: a killed sandbox process whose parent died with it waits for init
     * to reap it, and until then it still answers "alive".
     */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false; // gone meanwhile
        }
    }

    /** The queued run was cancelled before the worker took its job, and once it did, nothing started. */
    private static void assertNeverStarted(String runId) {
        JobQueue.awaitTaken(runId, Duration.ofSeconds(60));
        assertThat(runs.run(runId)).containsEntry("status", "CANCELLED")
                .doesNotContainKeys("executedAt", "workerId", "epoch", "pID");
    }

    @Test
    void deletingATaskCancelsItsQueuedRunAndStopsItsRunningOne() {
        String[] running = execute("delete-task-running", 120, spinner);
        List<ProcessHandle> tree = awaitProcessTree(running[1], 2);
        String[] queued = execute("delete-task-queued", 120, spinner);

        assertThat(ingress.send("DELETE", "/service/mlw/tasks/" + queued[0], null, null).statusCode()).isEqualTo(200);
        assertThat(runs.run(queued[1])).containsEntry("status", "CANCELLED");
        assertThat(ingress.send("DELETE", "/service/mlw/tasks/" + running[0], null, null).statusCode()).isEqualTo(200);

        assertKilled(tree);
        runs.awaitEnded(List.of(running[1]), KILLED_WITHIN);
        assertThat(runs.run(running[1])).containsEntry("status", "CANCELLED");
        assertThat(ingress.get("/service/mlw/tasks/" + running[0]).statusCode()).isEqualTo(404);
        assertNeverStarted(queued[1]);
    }

    @Test
    void deletingARunCancelsItQueuedOrRunning() {
        String[] running = execute("delete-run-running", 120, spinner);
        List<ProcessHandle> tree = awaitProcessTree(running[1], 2);
        String[] queued = execute("delete-run-queued", 120, spinner);

        HttpResponse<String> first = ingress.send("DELETE", "/service/mlw/tasks/" + queued[0] + "/task/" + queued[1], null, null);
        assertThat(ChaosIngress.ok(first).get("status").asText()).isEqualTo("CANCELLED");
        ChaosIngress.ok(ingress.send("DELETE", "/service/mlw/tasks/" + running[0] + "/task/" + running[1], null, null));

        assertKilled(tree);
        runs.awaitEnded(List.of(running[1]), KILLED_WITHIN);
        assertThat(runs.run(running[1])).containsEntry("status", "CANCELLED");
        assertNeverStarted(queued[1]);
    }

    @Test
    void chorusStopCancelsAQueuedWorkfileAndStopsARunningOne() {
        // Two workfiles of the same workflow document: one runs, the other waits behind it.
        String other = ingress.upload(project, "slow-too.wf", readResource(slowWorkflow));
        JsonNode running = chorus(ingress.send("POST", "/api/workfiles/" + slowWorkflow + "/run", null, null), 202);
        String runningRun = runs(running.get("task_id").asText()).get(0);
        List<ProcessHandle> tree = awaitProcessTree(runningRun, 1);
        JsonNode queued = chorus(ingress.send("POST", "/api/workfiles/" + other + "/run", null, null), 202);
        String queuedRun = runs(queued.get("task_id").asText()).get(0);

        assertThat(chorus(ingress.send("POST", "/api/workfiles/" + other + "/stop", null, null), 202)
                .get("status").asText()).isEqualTo("idle");
        assertThat(runs.run(queuedRun)).containsEntry("status", "CANCELLED");
        chorus(ingress.send("POST", "/api/workfiles/" + slowWorkflow + "/stop", null, null), 202);

        assertKilled(tree);
        runs.awaitEnded(List.of(runningRun), KILLED_WITHIN);
        assertThat(runs.run(runningRun)).containsEntry("status", "CANCELLED");
        assertNeverStarted(queuedRun);
    }

    @Test
    void maiascoreCancelCancelsAQueuedTrainingAndStopsARunningOne() {
        String meta = project + "/" + slowWorkflow;
        String running = maiascore(ingress.json("POST", "/trainings", "{\"uuid\":\"run-1\",\"meta\":\"" + meta + "\"}"))
                .get("id").asText();
        String runningRun = runs(running).get(0);
        List<ProcessHandle> tree = awaitProcessTree(runningRun, 1);
        String queued = maiascore(ingress.json("POST", "/trainings", "{\"uuid\":\"run-2\",\"meta\":\"" + meta + "\"}"))
                .get("id").asText();
        String queuedRun = runs(queued).get(0);

        assertThat(maiascore(ingress.send("POST", "/trainings/cancel/" + queued, null, null)).get("status").asText())
                .isEqualTo("CANCELLED");
        assertThat(maiascore(ingress.send("POST", "/trainings/cancel/" + running, null, null)).get("status").asText())
                .isIn("CANCELLING", "CANCELLED"); // CANCELLING until the worker has stopped it

        assertKilled(tree);
        runs.awaitEnded(List.of(runningRun), KILLED_WITHIN);
        assertThat(runs.run(runningRun)).containsEntry("status", "CANCELLED");
        assertNeverStarted(queuedRun);
    }

    @Test
    void aRunningScriptPastItsTimeoutEndsTimedOutWithItsTreeKilled() {
        String[] run = execute("times-out", 3, spinner);
        List<ProcessHandle> tree = awaitProcessTree(run[1], 2);

        runs.awaitEnded(List.of(run[1]), Duration.ofSeconds(60));
        assertThat(runs.run(run[1])).containsEntry("status", "TIMED_OUT").containsEntry("message", "Timed out after 3 s");
        assertKilled(tree);
        JsonNode view = ChaosIngress.ok(ingress.get("/service/mlw/tasks/" + run[0] + "/task/" + run[1]));
        assertThat(view.get("status").asText()).isEqualTo("TIMED_OUT");
    }

    @Test
    void aQueuedRunsTimeLimitCountsFromItsStartNotFromTheQueue() {
        String sleeper = ingress.upload(project, "sleep.py", "import time\ntime.sleep(5)\nprint('slept')\n");
        String quick = ingress.upload(project, "quick.py", "import time\ntime.sleep(0.5)\nprint('quick')\n");
        String[] first = execute("holds-the-slot", 60, sleeper);
        awaitProcessTree(first[1], 0);
        // Waits behind the first for longer than its own limit of 2 s.
        String[] second = execute("waits-longer-than-its-limit", 2, quick);

        runs.awaitEnded(List.of(first[1], second[1]), Duration.ofSeconds(60));
        Map<String, String> waited = runs.run(second[1]);
        assertThat(waited).containsEntry("status", "COMPLETED");
        assertThat(Long.parseLong(waited.get("executedAt")) - Long.parseLong(waited.get("queuedAt")))
                .as("time it waited in the queue, ms").isGreaterThan(2_000);
        assertThat(runs.output(second[1])).containsEntry("stdout", "quick\n");
    }

    private static List<String> runs(String taskId) {
        return redis.lrange(new io.trainyard.common.store.TenantKeys(ingress.tenant).taskRuns(taskId), 0, -1);
    }

    private static String readResource(String resourceId) {
        return ingress.send("GET", "/service/mlw/projects/" + project + "/resources/" + resourceId + "/download",
                null, null).body();
    }

    private static JsonNode chorus(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return ChaosIngress.tree(response).get("response");
    }

    private static JsonNode maiascore(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ChaosIngress.tree(response);
    }
}
