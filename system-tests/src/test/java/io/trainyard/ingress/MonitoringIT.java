package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.FreePort;
import io.trainyard.worker.Worker;
import io.trainyard.worker.testing.WorkerHarness;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The services as Prometheus sees them: each /metrics output passes {@code promtool check metrics},
 * and a real Prometheus scraping a running ingress and worker shows a submitted job in the run
 * counters and the pickup-latency histogram.
 */
@ExtendWith({RealKafka.class, RealRedis.class})
class MonitoringIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static TestIngress ingress;
    static Worker worker;
    static Process prometheus;
    static int prometheusPort;

    @BeforeAll
    static void start() throws Exception {
        String redisUri = "redis://127.0.0.1:" + RealRedis.server().port();
        ingress = TestIngress.start(RealKafka.broker().bootstrapServers(), redisUri, Map.of());
        worker = Worker.start(WorkerHarness.settings("monitored-worker", ingress.dataDir, Map.of()));
        Path dir = Files.createTempDirectory("trainyard-prometheus-");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: trainyard-ingress
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                  - job_name: trainyard-worker
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(ingress.ingress.port(), worker.opsPort()));
        prometheusPort = FreePort.pick();
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
        worker.close();
        ingress.close();
    }

    @Test
    void everyServicesMetricsPassPromtool() throws Exception {
        submitAndFinish("promtool-check");
        for (int port : new int[] {ingress.ingress.port(), worker.opsPort()}) {
            String metrics = get("http://127.0.0.1:" + port + "/metrics");
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor()).as("promtool on :%d said: %s", port, verdict).isZero();
        }
    }

    @Test
    void prometheusSeesASubmittedJobInTheRunCountersAndThePickupHistogram() throws Exception {
        submitAndFinish("scraped");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(query("sum(trainyard_worker_runs_finished_total{status=\"COMPLETED\"})")).isGreaterThanOrEqualTo(1);
            assertThat(query("sum(trainyard_worker_pickup_latency_seconds_count)")).isGreaterThanOrEqualTo(1);
            assertThat(query("sum(trainyard_worker_pickup_latency_seconds_bucket{le=\"+Inf\"})")).isGreaterThanOrEqualTo(1);
            assertThat(query("sum(trainyard_ingress_submissions_total)")).isGreaterThanOrEqualTo(1);
        });
    }

    private static void submitAndFinish(String name) throws Exception {
        String project = Json.MAPPER.readTree(ingress.json("POST", "/service/mlw/projects", ingress.admin(),
                "{\"name\":\"" + name + "\"}").body()).get("id").asText();
        String resource = Json.MAPPER.readTree(ingress.upload("/service/mlw/projects/" + project + "/resources",
                ingress.admin(), "job.py", "print('measured')\n").body()).get("id").asText();
        JsonNode task = Json.MAPPER.readTree(ingress.json("POST",
                "/service/mlw/projects/" + project + "/resources/" + resource + "/execute", ingress.admin(),
                "{\"recurrence\":\"ONE_TIME\",\"cronExpression\":\"\",\"taskName\":\"" + name + "\"}").body());
        String path = "/service/mlw/tasks/" + task.get("id").asText() + "/task/"
                + task.get("individualTasks").get(0).get("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                Json.MAPPER.readTree(ingress.get(path, ingress.admin()).body()).path("status").asText()
                        .equals("COMPLETED"));
    }

    /** The value of a PromQL instant query with one result; -1 while it has none. */
    private static double query(String promql) throws IOException, InterruptedException {
        String body = get("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode result = Json.MAPPER.readTree(body).path("data").path("result");
        return result.isEmpty() ? -1 : result.get(0).path("value").get(1).asDouble();
    }

    private static String get(String url) throws IOException, InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.net.ConnectException e) {
            return "{}";
        }
    }
}
