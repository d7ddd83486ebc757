package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.common.pipeline.PipelineSteps;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.common.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * The pipeline document over MLW against a real ingress, broker and redis-server: what is refused
 * and why, what a submit stores and publishes, the step-end rules of both failure policies (the
 * ends a worker would report are written straight to the runs here) and cancelling.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class PipelinesIT {
    static TestIngress ingress;
    static JedisPooled redis;
    static PipelineSteps steps;

    @BeforeAll
    static void start() {
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(),
                "redis://127.0.0.1:" + RealRedis.server().port(), Map.of());
        redis = RealRedis.client();
        steps = new PipelineSteps(redis, 3600);
    }

    @AfterAll
    static void stop() {
        redis.close();
        ingress.close();
    }

    static String diamond(String name, String policy) {
        return "{\"pipelineName\":\"" + name + "\",\"failurePolicy\":\"" + policy + "\",\"steps\":["
                + "{\"name\":\"a\",\"type\":\"NOOP\"},"
                + "{\"name\":\"b\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]},"
                + "{\"name\":\"c\",\"script\":\"print(1)\",\"dependsOn\":[\"a\"]},"
                + "{\"name\":\"d\",\"type\":\"NOOP\",\"dependsOn\":[\"b\",\"c\"]},"
                + "{\"name\":\"e\",\"type\":\"NOOP\"}]}";
    }

    private HttpResponse<String> submit(String body) {
        return ingress.json("POST", "/service/mlw/pipelines", ingress.admin(), body);
    }

    private static Map<String, JsonNode> stepsOf(JsonNode pipeline) {
        Map<String, JsonNode> out = new HashMap<>();
        pipeline.get("steps").forEach(s -> out.put(s.get("name").asText(), s));
        return out;
    }

    private JsonNode read(String id) throws Exception {
        return MlwSubmitIT.tree(ingress.get("/service/mlw/pipelines/" + id, ingress.reader()));
    }

    private void endRun(JsonNode step, String status) {
        redis.hset(new TenantKeys(ingress.tenant).run(step.get("runID").asText()), "status", status);
    }

    @Test
    void aBadGraphIsRefusedWith400NamingTheProblemAndNothingIsStored() throws Exception {
        Map<String, String> refused = Map.of(
                "{\"pipelineName\":\"p1\",\"steps\":[]}", "at least one step",
                "{\"pipelineName\":\"p1\"}", "Missing parameter steps",
                "{\"pipelineName\":\"p1\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"},{\"name\":\"a\",\"type\":\"NOOP\"}]}",
                "duplicate step name 'a'",
                "{\"pipelineName\":\"p1\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\",\"dependsOn\":[\"x\"]}]}",
                "step 'a' depends on unknown step 'x'",
                "{\"pipelineName\":\"p1\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\",\"dependsOn\":[\"c\"]},"
                        + "{\"name\":\"b\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]},"
                        + "{\"name\":\"c\",\"type\":\"NOOP\",\"dependsOn\":[\"b\"]},{\"name\":\"z\",\"type\":\"NOOP\"}]}",
                "form a cycle",
                "{\"pipelineName\":\"p1\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]}]}",
                "steps a -> a form a cycle",
                "{\"pipelineName\":\"p1\",\"failurePolicy\":\"sometimes\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"}]}",
                "must be failFast or continue",
                "{\"pipelineName\":\"p1\",\"steps\":[{\"name\":\"a\"}]}", "Missing parameter projectID",
                "{\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"}]}", "Missing parameter pipelineName",
                "{\"pipelineName\":\"p1\",\"steps\":[{\"name\":\"a b\",\"type\":\"NOOP\"}]}", "step name 'a b'");
        for (var e : refused.entrySet()) {
            HttpResponse<String> answer = submit(e.getKey());
            assertThat(answer.statusCode()).as(e.getKey() + " -> " + answer.body()).isEqualTo(400);
            JsonNode body = Json.MAPPER.readTree(answer.body());
            assertThat(body.get("message").asText()).as(e.getKey()).contains(e.getValue());
            assertThat(body.has("errorCode")).as(answer.body()).isTrue();
        }
        HttpResponse<String> cycle = submit("{\"pipelineName\":\"p1\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\","
                + "\"dependsOn\":[\"c\"]},{\"name\":\"b\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]},"
                + "{\"name\":\"c\",\"type\":\"NOOP\",\"dependsOn\":[\"b\"]}]}");
        assertThat(Json.MAPPER.readTree(cycle.body()).get("message").asText()).contains("a -> b -> c -> a");
        assertThat(ingress.json("POST", "/service/mlw/pipelines", ingress.reader(), diamond("p1", "failFast"))
                .statusCode()).isEqualTo(403);
        assertThat(redis.hget(new PipelineKeys(ingress.tenant).names(), "p1")).as("nothing stored").isNull();
        assertThat(ingress.get("/service/mlw/pipelines/nope", ingress.reader()).statusCode()).isEqualTo(404);
    }

    @Test
    void aDiamondPublishesItsRootsAndEachStepStartsWhenAllItsParentsCompleted() throws Exception {
        JsonNode created = MlwSubmitIT.tree(submit(diamond("dia", "failFast")));
        String id = created.get("id").asText();
        assertThat(created.get("status").asText()).isEqualTo("RUNNING");
        assertThat(submit(diamond("dia", "failFast")).statusCode()).as("same name").isEqualTo(409);
        Map<String, JsonNode> s = stepsOf(created);
        assertThat(s.get("a").get("status").asText()).isEqualTo("QUEUED");
        assertThat(s.get("e").get("status").asText()).isEqualTo("QUEUED");
        assertThat(s.get("d").get("status").asText()).isEqualTo("WAITING");
        assertThat(s.get("d").get("dependsOn")).hasSize(2);
        // Roots are on Kafka, with their pipeline and step; the others are not.
        String aRun = s.get("a").get("runID").asText();
        JsonNode job = Json.MAPPER.readTree(await().atMost(Duration.ofSeconds(10))
                .until(() -> TopicRecords.read(Topics.SCRIPT_JOBS, aRun), r -> !r.isEmpty()).getFirst().value());
        assertThat(job.get("pipelineId").asText()).isEqualTo(id);
        assertThat(job.get("step").asText()).isEqualTo("a");
        assertThat(TopicRecords.read(Topics.SCRIPT_JOBS, s.get("d").get("runID").asText())).isEmpty();
        // Each step is an ordinary task with its run.
        JsonNode task = MlwSubmitIT.tree(ingress.get("/service/mlw/tasks/" + s.get("d").get("taskID").asText(),
                ingress.reader()));
        assertThat(task.get("name").asText()).isEqualTo("dia/d");
        assertThat(task.get("individualTasks").get(0).get("status").asText()).isEqualTo("QUEUED");

        endRun(s.get("a"), "COMPLETED");
        PipelineSteps.Outcome afterA = steps.ended(ingress.tenant, id, List.of("a"), 1);
        assertThat(afterA.ready()).extracting(PipelineSteps.ReadyStep::step).containsExactlyInAnyOrder("b", "c");
        assertThat(steps.ended(ingress.tenant, id, List.of("a"), 2).ready()).as("a second report").isEmpty();
        endRun(s.get("b"), "COMPLETED");
        assertThat(steps.ended(ingress.tenant, id, List.of("b"), 3).ready()).as("c still runs").isEmpty();
        endRun(s.get("c"), "COMPLETED");
        endRun(s.get("e"), "COMPLETED");
        // The sweep (no steps named) finds c and e ended.
        assertThat(steps.ended(ingress.tenant, id, List.of(), 4).ready()).extracting(PipelineSteps.ReadyStep::step)
                .containsExactly("d");
        assertThat(redis.zrange(new PipelineKeys(ingress.tenant).outbox(), 0, -1)).containsExactly(id + "/d");
        steps.published(ingress.tenant, id, List.of("d"));
        assertThat(redis.zcard(new PipelineKeys(ingress.tenant).outbox())).isZero();
        endRun(s.get("d"), "COMPLETED");
        assertThat(steps.ended(ingress.tenant, id, List.of("d"), 5).status()).isEqualTo("COMPLETED");
        JsonNode done = read(id);
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.get("endedAt").asText()).isNotEmpty();
        stepsOf(done).values().forEach(step -> assertThat(step.get("status").asText()).isEqualTo("COMPLETED"));
    }

    @Test
    void failFastCancelsEveryOpenStepAndContinueSkipsOnlyTheFailuresDependants() throws Exception {
        JsonNode fast = MlwSubmitIT.tree(submit(diamond("fast", "failFast")));
        Map<String, JsonNode> f = stepsOf(fast);
        redis.hset(new TenantKeys(ingress.tenant).run(f.get("e").get("runID").asText()), "status", "RUNNING");
        endRun(f.get("a"), "FAILED");
        steps.ended(ingress.tenant, fast.get("id").asText(), List.of("a"), 1);
        Map<String, JsonNode> fastAfter = stepsOf(read(fast.get("id").asText()));
        assertThat(fastAfter.get("a").get("status").asText()).isEqualTo("FAILED");
        for (String waiting : List.of("b", "c", "d")) {
            assertThat(fastAfter.get(waiting).get("status").asText()).isEqualTo("CANCELLED");
            assertThat(fastAfter.get(waiting).get("runStatus").asText()).isEqualTo("CANCELLED");
        }
        // e runs: asked to stop, it ends when its worker writes CANCELLED.
        assertThat(redis.hget(new TenantKeys(ingress.tenant).run(f.get("e").get("runID").asText()), "cancelRequested"))
                .isEqualTo("1");
        assertThat(read(fast.get("id").asText()).get("status").asText()).isEqualTo("RUNNING");
        endRun(f.get("e"), "CANCELLED");
        assertThat(steps.ended(ingress.tenant, fast.get("id").asText(), List.of("e"), 2).status()).isEqualTo("FAILED");

        JsonNode cont = MlwSubmitIT.tree(submit(diamond("cont", "continue")));
        String id = cont.get("id").asText();
        Map<String, JsonNode> c = stepsOf(cont);
        endRun(c.get("a"), "COMPLETED");
        steps.ended(ingress.tenant, id, List.of("a"), 1);
        endRun(c.get("b"), "TIMED_OUT");
        steps.ended(ingress.tenant, id, List.of("b"), 2);
        Map<String, JsonNode> after = stepsOf(read(id));
        assertThat(after.get("d").get("status").asText()).isEqualTo("SKIPPED");
        assertThat(redis.hget(new TenantKeys(ingress.tenant).run(c.get("d").get("runID").asText()), "message"))
                .isEqualTo("Skipped: step b ended TIMED_OUT");
        assertThat(after.get("c").get("status").asText()).as("c does not depend on b").isEqualTo("READY");
        assertThat(after.get("e").get("status").asText()).isEqualTo("QUEUED");
        endRun(c.get("c"), "COMPLETED");
        endRun(c.get("e"), "COMPLETED");
        PipelineSteps.Outcome end = steps.ended(ingress.tenant, id, List.of("c", "e"), 3);
        assertThat(end.ready()).as("d was skipped").isEmpty();
        assertThat(end.status()).isEqualTo("FAILED");
    }

    @Test
    void aPipelineOfThousandsOfStepsIsStoredWhole() throws Exception {
        StringBuilder body = new StringBuilder("{\"pipelineName\":\"wide\",\"steps\":[{\"name\":\"root\",\"type\":\"NOOP\"}");
        StringBuilder join = new StringBuilder();
        for (int i = 0; i < 4_998; i++) {
            body.append(",{\"name\":\"s").append(i).append("\",\"type\":\"NOOP\",\"dependsOn\":[\"root\"]}");
            join.append(i == 0 ? "" : ",").append("\"s").append(i).append('"');
        }
        body.append(",{\"name\":\"join\",\"type\":\"NOOP\",\"dependsOn\":[").append(join).append("]}]}");
        JsonNode wide = MlwSubmitIT.tree(submit(body.toString()));
        assertThat(wide.get("steps")).hasSize(5_000);
        assertThat(stepsOf(wide).get("join").get("dependsOn")).hasSize(4_998);
        assertThat(redis.hget(new PipelineKeys(ingress.tenant).pipeline(wide.get("id").asText()), "p:join"))
                .isEqualTo("4998");
    }

    @Test
    void cancellingAPipelineCancelsItsQueuedAndWaitingStepsAndStopsItsRunningOnes() throws Exception {
        JsonNode p = MlwSubmitIT.tree(submit(diamond("cancelled", "failFast")));
        String id = p.get("id").asText();
        Map<String, JsonNode> s = stepsOf(p);
        redis.hset(new TenantKeys(ingress.tenant).run(s.get("a").get("runID").asText()), "status", "RUNNING");
        assertThat(ingress.json("DELETE", "/service/mlw/pipelines/" + id, ingress.reader(), null).statusCode())
                .isEqualTo(403);
        JsonNode cancelling = MlwSubmitIT.tree(ingress.json("DELETE", "/service/mlw/pipelines/" + id, ingress.admin(),
                null));
        assertThat(cancelling.get("status").asText()).isEqualTo("CANCELLING");
        Map<String, JsonNode> after = stepsOf(cancelling);
        assertThat(after.get("e").get("runStatus").asText()).as("queued: ended at once").isEqualTo("CANCELLED");
        assertThat(after.get("d").get("runStatus").asText()).isEqualTo("CANCELLED");
        assertThat(redis.hget(new TenantKeys(ingress.tenant).run(s.get("a").get("runID").asText()), "cancelRequested"))
                .isEqualTo("1");
        endRun(s.get("a"), "CANCELLED");
        steps.ended(ingress.tenant, id, List.of("a"), 1);
        assertThat(read(id).get("status").asText()).isEqualTo("CANCELLED");
        JsonNode list = Json.MAPPER.readTree(ingress.get("/service/mlw/pipelines", ingress.reader()).body());
        assertThat(list.findValuesAsText("pipelineName")).contains("cancelled");
    }
}
