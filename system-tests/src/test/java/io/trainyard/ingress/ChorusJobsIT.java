package io.trainyard.ingress;

import static io.trainyard.ingress.TrainingFixture.chorus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chorus jobs ({@code /api/jobs}): create, list, read, run, stop and delete a job of workfile
 * tasks; its tasks train one after the other on a real training worker; an interval rule fires
 * through a real scheduler.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class ChorusJobsIT {
    static TrainingFixture fixture;
    static SchedulerService scheduler;
    static JedisPooled redis;
    static String project;
    static long workspace;
    static long first;
    static long second;
    static String session;

    @BeforeAll
    static void start() throws Exception {
        fixture = TrainingFixture.start();
        redis = new JedisPooled("127.0.0.1", RealRedis.server().port());
        project = fixture.project("jobs");
        String iris = fixture.upload(project, "iris.csv", fixture.irisCsv);
        session = fixture.chorusLogin();
        first = workfileId(fixture.upload(project, "first.wf", TrainingFixture.workflow(iris, null, "classification",
                "target", List.of("logistic_regression"), "firstModel")));
        second = workfileId(fixture.upload(project, "second.wf", TrainingFixture.workflow(iris, null,
                "classification", "target", List.of("knn"), "secondModel")));
        workspace = chorus(fixture.ingress.get("/api/workfiles/" + first, session), 200).at("/workspace/id").asLong();
    }

    @AfterAll
    static void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        redis.close();
        fixture.close();
    }

    static long workfileId(String resourceId) throws Exception {
        return chorus(fixture.ingress.get("/api/workfiles/" + resourceId, session), 200).get("id").asLong();
    }

    static HttpResponse<String> post(String path, String json) {
        return fixture.ingress.send("POST", path, session, "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode create(String name, String schedule) throws Exception {
        return chorus(post("/api/jobs", "{\"name\":\"" + name + "\",\"workspace_id\":" + workspace
                + ",\"workfile_ids\":[" + first + "," + second + "]" + schedule + "}"), 201);
    }

    static JsonNode job(long id) throws Exception {
        return chorus(fixture.ingress.get("/api/jobs/" + id, session), 200);
    }

    static Map<String, String> run(String taskId) {
        TaskStore store = new TaskStore(redis);
        String runId = store.runIds(fixture.ingress.tenant, taskId).get(0);
        return store.run(fixture.ingress.tenant, runId).orElseThrow();
    }

    @Test
    void aJobIsCreatedListedReadAndDeleted() throws Exception {
        JsonNode job = create("on demand", "");
        assertThat(job.get("id").isIntegralNumber()).isTrue();
        assertThat(job.get("status").asText()).isEqualTo("idle");
        assertThat(job.get("interval_unit").asText()).isEqualTo("on_demand");
        assertThat(job.get("next_run").isNull()).isTrue();
        assertThat(job.at("/workspace/id").asLong()).isEqualTo(workspace);
        assertThat(job.at("/tasks/0/workfile/id").asLong()).isEqualTo(first);
        assertThat(job.at("/tasks/1/workfile/id").asLong()).isEqualTo(second);
        assertThat(job.at("/tasks/1/index").asInt()).isEqualTo(2);
        assertThat(job.at("/tasks/0/action").asText()).isEqualTo("run_work_flow");
        long id = job.get("id").asLong();
        assertThat(job(id).get("name").asText()).isEqualTo("on demand");
        JsonNode list = chorus(fixture.ingress.get("/api/jobs", session), 200);
        assertThat(list.findValuesAsText("name")).contains("on demand");
        assertThat(chorus(fixture.ingress.send("DELETE", "/api/jobs/" + id, session, null, null), 200).get("id")
                .asLong()).isEqualTo(id);
        assertThat(fixture.ingress.get("/api/jobs/" + id, session).statusCode()).isEqualTo(404);
    }

    @Test
    void badJobsAreRefusedInChorusShape() throws Exception {
        HttpResponse<String> noName = post("/api/jobs", "{\"workspace_id\":" + workspace + ",\"workfile_ids\":[" + first
                + "]}");
        assertThat(noName.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(noName.body()).at("/errors/fields/name/BLANK").isObject()).isTrue();
        HttpResponse<String> past = post("/api/jobs", "{\"name\":\"past\",\"workspace_id\":" + workspace
                + ",\"workfile_ids\":[" + first + "],\"interval_unit\":\"days\",\"interval_value\":1,"
                + "\"next_run\":\"2020-01-01T00:00:00Z\"}");
        assertThat(past.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(past.body()).at("/errors/fields/next_run").isObject()).as(past.body()).isTrue();
        HttpResponse<String> badUnit = post("/api/jobs", "{\"name\":\"unit\",\"workspace_id\":" + workspace
                + ",\"workfile_ids\":[" + first + "],\"interval_unit\":\"fortnights\",\"interval_value\":1,"
                + "\"next_run\":\"2099-01-01T00:00:00Z\"}");
        assertThat(badUnit.statusCode()).isEqualTo(422);
        assertThat(post("/api/jobs", "{\"name\":\"nowhere\",\"workspace_id\":1,\"workfile_ids\":[" + first + "]}")
                .statusCode()).isEqualTo(404);
        assertThat(fixture.ingress.get("/api/jobs/99999999", session).statusCode()).isEqualTo(404);
    }

    @Test
    void aJobRunsItsTasksInOrderAndOnlyFromIdle() throws Exception {
        long id = create("in order", "").get("id").asLong();
        JsonNode started = chorus(post("/api/jobs/" + id + "/run", null), 202);
        assertThat(started.get("status").asText()).isIn("enqueued", "running");
        assertThat(post("/api/jobs/" + id + "/run", null).statusCode()).isEqualTo(422);
        String firstTask = redis.hget("ty:{" + fixture.ingress.tenant + "}:chorus:job:" + jobKey(id), "stepTask");
        // The second task is submitted once the first completed, and the job is idle after it.
        await().atMost(TrainingFixture.RUN_BOUND.multipliedBy(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> job(id).get("status").asText().equals("idle"));
        JsonNode done = job(id);
        assertThat(done.get("last_run_failed").asBoolean()).as(done.toString()).isFalse();
        assertThat(done.get("last_run").asText()).isNotEmpty();
        Map<String, String> one = run(firstTask);
        List<String> secondTasks = tasksOfStep(id, 2);
        assertThat(secondTasks).hasSize(1);
        Map<String, String> two = run(secondTasks.get(0));
        assertThat(one.get("status")).isEqualTo("COMPLETED");
        assertThat(two.get("status")).isEqualTo("COMPLETED");
        assertThat(Long.parseLong(two.get("queuedAt"))).as("the second task queued after the first completed")
                .isGreaterThanOrEqualTo(Long.parseLong(one.get("completedAt")));
    }

    @Test
    void aStoppedJobRunsNoFurtherTask() throws Exception {
        long id = create("stopped", "").get("id").asLong();
        chorus(post("/api/jobs/" + id + "/run", null), 202);
        String firstTask = redis.hget("ty:{" + fixture.ingress.tenant + "}:chorus:job:" + jobKey(id), "stepTask");
        JsonNode stopped = chorus(post("/api/jobs/" + id + "/stop", null), 202);
        assertThat(stopped.get("status").asText()).isIn("stopping", "idle");
        await().atMost(TrainingFixture.RUN_BOUND).until(() -> job(id).get("status").asText().equals("idle"));
        assertThat(job(id).get("last_run_failed").asBoolean()).isTrue();
        assertThat(run(firstTask).get("status")).isIn("CANCELLED", "COMPLETED");
        // The job runs as a pipeline, whose second task exists from the start, waiting: it never starts.
        for (String second : tasksOfStep(id, 2)) {
            assertThat(run(second).get("status")).isEqualTo("CANCELLED");
            assertThat(run(second)).as("the second task never started").doesNotContainKey("executedAt");
        }
    }

    @Test
    void anIntervalJobFiresThroughTheScheduler() throws Exception {
        scheduler = DelayedOneTimeIT.startScheduler(fixture.ingress.tenant + "-scheduler");
        Instant next = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS);
        JsonNode job = create("hourly", ",\"interval_unit\":\"hours\",\"interval_value\":1,\"next_run\":\"" + next
                + "\",\"time_zone\":\"Europe/Berlin\"");
        long id = job.get("id").asLong();
        assertThat(job.get("next_run").asText()).isEqualTo(next.toString());
        assertThat(job.get("interval_value").asInt()).isEqualTo(1);
        assertThat(job.get("status").asText()).isEqualTo("idle");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !job(id).get("status").asText().equals("idle"));
        assertThat(job(id).get("next_run").asText()).isEqualTo(next.plus(Duration.ofHours(1)).toString());
        // Deleting it removes its schedule and stops its run.
        chorus(fixture.ingress.send("DELETE", "/api/jobs/" + id, session, null, null), 200);
        assertThat(fixture.ingress.get("/api/jobs/" + id, session).statusCode()).isEqualTo(404);
    }

    private static String jobKey(long chorusId) {
        return redis.hget("ty:{" + fixture.ingress.tenant + "}:chorus:job:uuids", Long.toString(chorusId));
    }

    /** The Trainyard tasks the job submitted for its task {@code n} (named job-<id>-<n>-...). */
    private static List<String> tasksOfStep(long chorusId, int n) {
        TaskStore store = new TaskStore(redis);
        String prefix = "job-" + jobKey(chorusId) + "-" + n + "-";
        return store.taskIds(fixture.ingress.tenant, 0, 10_000).stream()
                .filter(t -> store.task(fixture.ingress.tenant, t).map(m -> m.get("name").startsWith(prefix))
                        .orElse(false)).toList();
    }
}
