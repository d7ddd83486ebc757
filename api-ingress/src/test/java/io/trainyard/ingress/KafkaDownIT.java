package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.json.Json;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.FreePort;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With no Kafka to acknowledge, a submit is rolled back and answered 503: no 200 for unqueued work. */
@ExtendWith(RealRedis.class)
class KafkaDownIT {
    private static final long SUBMIT_TIMEOUT_MS = 1_000;
    static TestIngress ingress;

    @BeforeAll
    static void start() {
        // Nobody listens on this port: the producer never gets metadata, so every publish times out.
        ingress = TestIngress.start("127.0.0.1:" + FreePort.pick(), "redis://127.0.0.1:" + RealRedis.server().port(),
                Map.of(IngressSettings.SUBMIT_TIMEOUT_MS.env(), Long.toString(SUBMIT_TIMEOUT_MS)));
    }

    @AfterAll
    static void stop() {
        ingress.close();
    }

    @Test
    void aSubmitKafkaDoesNotAcknowledgeIsRolledBackWith503() throws Exception {
        String project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"p\"}").body()).get("id").asText();
        String resource = Json.MAPPER.readTree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "job.py", "print(1)").body()).get("id").asText();
        String execute = "/service/mlw/projects/" + project + "/resources/" + resource + "/execute";

        long start = System.nanoTime();
        HttpResponse<String> response = ingress.json("POST", execute, ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"lost\"}");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(millis).as("answered within the submit bound (plus the HTTP round trip)")
                .isLessThanOrEqualTo(SUBMIT_TIMEOUT_MS + 1_000);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        var body = Json.MAPPER.readTree(response.body());
        assertThat(body.get("errorCode").asInt()).isEqualTo(503);
        assertThat(body.get("message").asText()).contains("Kafka").contains("nothing was queued");
        TenantKeys keys = new TenantKeys(ingress.tenant);
        try (var redis = RealRedis.client()) {
            assertThat(redis.hget(keys.names(), "lost")).isNull();
            assertThat(redis.zcard(keys.tasks())).isZero();
        }
        assertThat(Json.MAPPER.readTree(ingress.get("/service/mlw/tasks", ingress.admin()).body())).isEmpty();
    }

    @Test
    void aPipelineKafkaDoesNotAcknowledgeIsRolledBackWith503() throws Exception {
        HttpResponse<String> response = ingress.json("POST", "/service/mlw/pipelines", ingress.admin(),
                "{\"pipelineName\":\"lost-pipeline\",\"steps\":[{\"name\":\"a\",\"type\":\"NOOP\"},"
                        + "{\"name\":\"b\",\"type\":\"NOOP\",\"dependsOn\":[\"a\"]}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(Json.MAPPER.readTree(response.body()).get("message").asText()).contains("nothing was queued");
        var keys = new io.trainyard.common.pipeline.PipelineKeys(ingress.tenant);
        try (var redis = RealRedis.client()) {
            assertThat(redis.hget(keys.names(), "lost-pipeline")).as("the name is free").isNull();
            assertThat(redis.zcard(keys.pipelines())).isZero();
            assertThat(redis.zcard(new TenantKeys(ingress.tenant).tasks())).as("no step's task is left").isZero();
            assertThat(redis.zcard(keys.outbox())).isZero();
        }
    }

    @Test
    void readinessReportsKafkaDown() throws Exception {
        HttpResponse<String> response = ingress.get("/health/ready", null);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(response.body()).get("kafka").asText()).isEqualTo("DOWN");
        assertThat(Json.MAPPER.readTree(response.body()).get("redis").asText()).isEqualTo("UP");
        assertThat(ingress.get("/health/live", null).statusCode()).isEqualTo(200);
    }
}
