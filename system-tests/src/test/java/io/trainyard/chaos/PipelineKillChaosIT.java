package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.common.testing.TopicRecords;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.StepEnds;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * A worker killed between a parent's completion and its children's start. The first worker
 * carries the test hook {@link StepEnds#HALT_AFTER_STEP_END}: it halts (as a SIGKILL would) right
 * after the script that recorded a step's end made its children READY, before publishing them;
 * the terminal writes of its whole batch are done, the step ends of the other pipelines are not.
 * A second worker and a scheduler then take over: the reconciler's sweep records the ends no
 * worker reported, its outbox pass publishes the children left behind. Every pipeline completes,
 * no child is lost, and no step starts twice (the children READY at the kill start at attempt 1;
 * only a run the killed worker held may start again).
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PipelineKillChaosIT {
    private static final int DIAMONDS = 20;
    private static final long LEASE_MS = 15_000;
    private static final long RECONCILER_INTERVAL_MS = 2_000;

    @Test
    void aWorkerKilledBetweenAParentsEndAndItsChildrensStartLosesNoChildAndStartsNoneTwice() throws Exception {
        Figures figures = new Figures("pipeline-kill");
        try (ChaosIngress ingress = ChaosIngress.start("dagkill", Map.of());
             JedisPooled redis = RealRedis.client()) {
            Path logs = Files.createDirectories(Path.of("target", "chaos", ingress.tenant).toAbsolutePath());
            Map<String, String> env = ChaosIngress.workerEnv(ingress.dataDir, Map.of(
                    WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS,
                    WorkerSettings.SANDBOX.env(), "none",
                    WorkerSettings.LEASE_MS.env(), Long.toString(LEASE_MS)));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < DIAMONDS; i++) {
                JsonNode p = ChaosIngress.ok(ingress.json("POST", "/service/mlw/pipelines",
                        "{\"pipelineName\":\"kill-" + i + "\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"},"
                                + "{\"name\":\"b\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]},"
                                + "{\"name\":\"c\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]},"
                                + "{\"name\":\"d\",\"type\":\"NOOP\",\"dependsOn\":[\"b\",\"c\"]}]}"));
                ids.add(p.get("id").asText());
            }
            PipelineKeys keys = new PipelineKeys(ingress.tenant);
            Runs runs = new Runs(redis, ingress.tenant);
            WorkerProcess doomed = WorkerProcess.start("dag-doomed", env, logs,
                    List.of("-D" + StepEnds.HALT_AFTER_STEP_END + "=true"));
            await().atMost(Duration.ofSeconds(90)).until(() -> !doomed.alive());
            // What the kill left: children READY in the outbox (never published), and the runs it held.
            Set<String> leftInOutbox = new HashSet<>(redis.zrange(keys.outbox(), 0, -1));
            Set<String> heldByDoomed = new HashSet<>();
            for (String id : ids) {
                Map<String, String> p = redis.hgetAll(keys.pipeline(id));
                for (String step : List.of("a", "b", "c", "d")) {
                    Map<String, String> run = runs.run(p.get("r:" + step));
                    if ("RUNNING".equals(run.get("status"))) {
                        heldByDoomed.add(p.get("r:" + step));
                    }
                }
            }
            assertThat(leftInOutbox).as("the hook halts after a step's end made children READY").isNotEmpty();
            List<String> orphanRuns = new ArrayList<>();
            for (String member : leftInOutbox) {
                String[] ps = member.split("/");
                String runId = redis.hget(keys.pipeline(ps[0]), "r:" + ps[1]);
                orphanRuns.add(runId);
                assertThat(TopicRecords.read(Topics.SCRIPT_JOBS, runId)).as("never published").isEmpty();
            }

            long takeOver = System.currentTimeMillis();
            try (SchedulerService scheduler = ChaosIngress.scheduler("dag-kill-scheduler", Map.of(
                    SchedulerSettings.RECONCILER_INTERVAL_MS.env(), Long.toString(RECONCILER_INTERVAL_MS)));
                 WorkerProcess rescuer = WorkerProcess.start("dag-rescuer", env, logs)) {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() ->
                        ids.stream().allMatch(id -> "COMPLETED".equals(redis.hget(keys.pipeline(id), "status"))));
                long tookMs = System.currentTimeMillis() - takeOver;
                int startedTwice = 0;
                int steps = 0;
                for (String id : ids) {
                    Map<String, String> p = redis.hgetAll(keys.pipeline(id));
                    for (String step : List.of("a", "b", "c", "d")) {
                        String runId = p.get("r:" + step);
                        Map<String, String> run = runs.run(runId);
                        steps++;
                        assertThat(run.get("status")).as(id + "/" + step).isEqualTo("COMPLETED");
                        if (!heldByDoomed.contains(runId)) {
                            assertThat(run.get("attempt")).as("started once: " + id + "/" + step).isEqualTo("1");
                        } else if (!"1".equals(run.get("attempt"))) {
                            startedTwice++;
                        }
                    }
                }
                for (String runId : orphanRuns) {
                    assertThat(runs.run(runId).get("attempt")).as("a child READY at the kill starts once").isEqualTo("1");
                }
                assertThat(redis.zcard(keys.outbox())).as("outbox drained").isZero();
                figures.put("pipelines", DIAMONDS).put("steps", steps).put("kills", 1)
                        .put("orphanedChildren", orphanRuns.size()).put("heldAtKill", heldByDoomed.size())
                        .put("restartedHeldRuns", startedTwice).put("lost", 0).put("startedTwice", 0)
                        .put("completedAfterTakeOverMs", tookMs);
                figures.print();
            }
        }
    }
}
