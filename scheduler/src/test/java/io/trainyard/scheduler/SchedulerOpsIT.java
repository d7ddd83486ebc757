package io.trainyard.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.Ids;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.json.Json;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.SchedulePublisher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * The scheduler as operators see it: its /metrics passes {@code promtool check metrics} with
 * fires, the canary and the Kafka clients in it, and /health/ready names Kafka, Redis and the
 * schedule consumer, following Redis down and up again while /health/live stays up.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class SchedulerOpsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TENANT = "ops-" + Ids.next();
    private static final Pattern LAUNCHED = Pattern.compile("trainyard_scheduler_fires_total\\{outcome=\"launched\"} [1-9]");
    private static final Pattern CANARIES = Pattern.compile("trainyard_scheduler_canaries_total\\{outcome=\"published\"} [1-9]");
    private static SchedulerService scheduler;
    private static SchedulePublisher publisher;
    private static JedisPooled redis;
    private static String taskId;

    @BeforeAll
    static void start() {
        redis = RealRedis.client();
        publisher = SchedulePublisher.connect(RealKafka.broker().bootstrapServers(), Duration.ofSeconds(10));
        scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), "redis://127.0.0.1:" + RealRedis.server().port(),
                SchedulerSettings.INSTANCE_ID.env(), "ops-it",
                SchedulerSettings.OPS_PORT.env(), "0",
                SchedulerSettings.SESSION_TIMEOUT_MS.env(), "6000",
                SchedulerSettings.CANARY_INTERVAL_MS.env(), "500")), InstantSource.system(), () -> { });
        taskId = Ids.next();
        new TestTasks(redis).create(TENANT, taskId, "every-second", "* * * * * ?", Instant.now());
        publisher.publish(Schedules.cron(TENANT, taskId, "* * * * * ?", Instant.now(), OverlapPolicy.ALLOW, null));
    }

    @AfterAll
    static void stop() {
        publisher.delete(TENANT, taskId);
        scheduler.close();
        publisher.close();
        redis.close();
    }

    @Test
    void metricsPassPromtool() throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String metrics = get("/metrics").body();
            return LAUNCHED.matcher(metrics).find() && CANARIES.matcher(metrics).find();
        });
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("kafka_producer_record_send_total", "kafka_consumer_coordinator_assigned_partitions",
                "kafka_admin_client_request_total", "trainyard_scheduler_fire_lateness_seconds_bucket");

        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor()).as("promtool said: %s", verdict).isZero();
    }

    @Test
    void readinessFollowsRedisAndLivenessDoesNot() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/health/ready").statusCode() == 200);
        assertThat(Json.MAPPER.readTree(get("/health/ready").body()).properties())
                .extracting(Map.Entry::getKey).containsExactly("status", "kafka", "redis", "schedules");

        RealRedis.server().kill();
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> ready = get("/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode body = Json.MAPPER.readTree(ready.body());
                assertThat(body.get("redis").asText()).isEqualTo("DOWN");
                assertThat(body.get("kafka").asText()).isEqualTo("UP");
            });
            assertThat(get("/health/live").statusCode()).isEqualTo(200);
        } finally {
            RealRedis.server().start();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/health/ready").statusCode() == 200);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scheduler.opsPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
