package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * A ONE_TIME task whose startDate lies ahead is held by the scheduler (a one-shot schedule) and
 * queued within a second of its start, also when the scheduler restarted meanwhile; deleted
 * before its start, it never runs. The time of a run is its {@code queuedAt}, stamped when the
 * scheduler created it and sent its job.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class DelayedOneTimeIT {
    static final Duration PRECISION = Duration.ofSeconds(1);

    static TestIngress ingress;
    static SchedulerService scheduler;
    static JedisPooled redis;
    static TaskStore store;
    static String execute;

    @BeforeAll
    static void start() throws Exception {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), redisUri(), Map.of());
        redis = new JedisPooled("127.0.0.1", RealRedis.server().port());
        store = new TaskStore(redis);
        String project = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"later\"}")).get("id").asText();
        String script = MlwSubmitIT.tree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "later.py", "print('later')\n")).get("id").asText();
        execute = "/service/mlw/projects/" + project + "/resources/" + script + "/execute";
        scheduler = startScheduler();
    }

    @AfterAll
    static void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        redis.close();
        ingress.close();
    }

    static String redisUri() {
        return "redis://127.0.0.1:" + RealRedis.server().port();
    }

    static SchedulerService startScheduler() {
        return startScheduler(ingress.tenant + "-scheduler");
    }

    static SchedulerService startScheduler(String instanceId) {
        SchedulerService started = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), redisUri(),
                SchedulerSettings.OPS_PORT.env(), "0",
                SchedulerSettings.INSTANCE_ID.env(), instanceId)), InstantSource.system(), () -> { });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(started::ready);
        return started;
    }

    /** Submits a ONE_TIME script starting at {@code start}; the task as MLW answers it. */
    static JsonNode submitStartingAt(String name, Instant start) throws Exception {
        return MlwSubmitIT.tree(ingress.json("POST", execute, ingress.admin(), "{\"recurrence\":\"ONE_TIME\","
                + "\"cronExpression\":\"\",\"taskName\":\"" + name + "\",\"startDate\":\"" + start + "\"}"));
    }

    static Optional<Map<String, String>> firstRun(String taskId) {
        return store.runIds(ingress.tenant, taskId).stream().findFirst().flatMap(id -> store.run(ingress.tenant, id));
    }

    /** Waits for the task's run and checks it was queued at its start, within {@link #PRECISION}. */
    static void runsAtItsStart(String taskId, Instant start) {
        Map<String, String> run = Awaitility.await().atMost(Duration.between(Instant.now(), start).plusSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> firstRun(taskId), Optional::isPresent).orElseThrow();
        long lateness = Long.parseLong(run.get("queuedAt")) - start.toEpochMilli();
        System.out.printf("delayed ONE_TIME task %s queued %d ms after its start%n", taskId, lateness);
        assertThat(lateness).as("ms between the start and the run").isBetween(0L, PRECISION.toMillis());
        assertThat(store.runIds(ingress.tenant, taskId)).hasSize(1);
    }

    @Test
    void aTaskStartingLaterIsHeldAndRunsWithinASecondOfItsStart() throws Exception {
        Instant start = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS);
        JsonNode task = submitStartingAt("later-" + start.toEpochMilli(), start);
        assertThat(task.get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(task.get("individualTasks")).isEmpty();
        assertThat(task.get("startDate").asText()).isNotBlank();
        String taskId = task.get("id").asText();
        assertThat(firstRun(taskId)).as("queued before its start").isEmpty();
        runsAtItsStart(taskId, start);
    }

    @Test
    void aHeldTaskRunsAtItsStartAfterTheSchedulerRestarted() throws Exception {
        Instant start = Instant.now().plusSeconds(15).truncatedTo(ChronoUnit.SECONDS);
        String taskId = submitStartingAt("restart-" + start.toEpochMilli(), start).get("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.schedulesOwned() > 0);
        scheduler.close();
        scheduler = null;
        assertThat(firstRun(taskId)).isEmpty();
        scheduler = startScheduler();
        assertThat(Instant.now()).as("the new scheduler is up before the start").isBefore(start);
        runsAtItsStart(taskId, start);
    }

    @Test
    void aHeldTaskDeletedBeforeItsStartNeverRuns() throws Exception {
        Instant start = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
        String taskId = submitStartingAt("cancelled-" + start.toEpochMilli(), start).get("id").asText();
        assertThat(ingress.send("DELETE", "/service/mlw/tasks/" + taskId, ingress.admin(), null, null).statusCode())
                .isEqualTo(200);
        // Past its start and the precision the scheduler keeps, the task has no run.
        Duration past = Duration.between(Instant.now(), start).plus(PRECISION).plusSeconds(1);
        Awaitility.await().during(past).atMost(past.plusSeconds(5)).until(() -> firstRun(taskId).isEmpty()
                && store.runIds(ingress.tenant, taskId).isEmpty());
        assertThat(ingress.get("/service/mlw/tasks/" + taskId, ingress.admin()).statusCode()).isEqualTo(404);
    }
}
