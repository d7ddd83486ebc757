package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Pause and resume of a recurring task through the API, with a real scheduler: a paused
 * per-second schedule handles no fire but as paused (each counted) and, resumed, goes on from
 * its next fire without a burst of the ones it missed.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class SchedulePauseIT {
    static TestIngress ingress;
    static SchedulerService scheduler;
    static JedisPooled redis;
    static TaskStore store;

    @BeforeAll
    static void start() {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), DelayedOneTimeIT.redisUri(), Map.of());
        DelayedOneTimeIT.ingress = ingress;
        scheduler = DelayedOneTimeIT.startScheduler(ingress.tenant + "-pause");
        redis = new JedisPooled("127.0.0.1", RealRedis.server().port());
        store = new TaskStore(redis);
    }

    @AfterAll
    static void stop() {
        scheduler.close();
        redis.close();
        ingress.close();
    }

    @Test
    void aPausedScheduleDoesNotFireAndResumesWithoutABurst() throws Exception {
        String project = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"every-second\"}")).get("id").asText();
        String script = MlwSubmitIT.tree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "tick.py", "print('tick')\n")).get("id").asText();
        JsonNode task = MlwSubmitIT.tree(ingress.json("POST", "/service/mlw/projects/" + project + "/resources/"
                + script + "/execute", ingress.admin(), "{\"recurrence\":\"REPEAT\",\"cronExpression\":\"* * * * * ?\","
                + "\"taskName\":\"tick\",\"timeZone\":\"Europe/Berlin\"}"));
        String taskId = task.get("id").asText();
        String pause = "/service/mlw/tasks/" + taskId + "/pause";
        // No worker here: the first run stays queued and the fires after it are skipped by the overlap
        // policy (SKIP). Either way each fire is handled once: a run, or a skip.
        await().atMost(Duration.ofSeconds(20)).until(() -> handled(taskId) >= 2);

        assertThat(ingress.json("POST", pause, ingress.reader(), null).statusCode()).isEqualTo(403);
        assertThat(ingress.json("POST", pause, ingress.admin(), null).body()).contains("\"changed\":true");
        assertThat(ingress.json("POST", pause, ingress.admin(), null).body()).contains("\"changed\":false");
        // Once a fire was skipped as paused, the fires before it (handled in order) have landed.
        await().atMost(Duration.ofSeconds(5)).until(() -> field(taskId, "pausedFires") >= 1);
        long atPause = handled(taskId);
        await().atMost(Duration.ofSeconds(10)).until(() -> field(taskId, "pausedFires") >= 5);
        assertThat(handled(taskId)).as("fires handled otherwise than as paused while paused").isEqualTo(atPause);

        JsonNode listed = MlwSubmitIT.tree(ingress.get("/service/mlw/schedules", ingress.reader())).get(0);
        assertThat(listed.get("taskId").asText()).isEqualTo(taskId);
        assertThat(listed.get("rule").asText()).isEqualTo("* * * * * ?");
        assertThat(listed.get("zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(listed.get("overlap").asText()).isEqualTo("SKIP");
        assertThat(listed.get("paused").asBoolean()).isTrue();
        assertThat(listed.get("nextFireAt").asText()).isEmpty();
        assertThat(listed.get("lastFireAt").asText()).isNotEmpty();

        assertThat(ingress.json("POST", "/service/mlw/tasks/" + taskId + "/resume", ingress.admin(), null)
                .body()).contains("\"changed\":true");
        long pausedFires = field(taskId, "pausedFires");
        long lastPaused = field(taskId, "lastFireAt");
        await().atMost(Duration.ofSeconds(5)).until(() -> handled(taskId) > atPause);
        await().atMost(Duration.ofSeconds(5)).until(() -> field(taskId, "lastFireAt") >= lastPaused + 3_000);
        // No burst: one fire handled per fire time since the resume, not the five or more skipped on top.
        long fireTimes = (field(taskId, "lastFireAt") - lastPaused) / 1_000;
        assertThat(handled(taskId) - atPause).isBetween(fireTimes - 2, fireTimes + 1);
        assertThat(field(taskId, "pausedFires")).isLessThanOrEqualTo(pausedFires + 1);
        assertThat(MlwSubmitIT.tree(ingress.get("/service/mlw/schedules", ingress.reader())).get(0)
                .get("nextFireAt").asText()).isNotEmpty();

        assertThat(ingress.json("POST", "/service/mlw/tasks/nosuchtask/pause", ingress.admin(), null).statusCode())
                .isEqualTo(404);
    }

    /** Fires handled other than as paused: runs created plus fires skipped by the overlap policy. */
    private static long handled(String taskId) {
        return store.runIds(ingress.tenant, taskId).size() + field(taskId, "skippedFires");
    }

    private static long field(String taskId, String name) {
        String value = redis.hget("ty:{" + ingress.tenant + "}:task:" + taskId, name);
        return value == null ? 0 : Long.parseLong(value);
    }
}
