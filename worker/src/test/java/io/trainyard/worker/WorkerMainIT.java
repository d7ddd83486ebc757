package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.local.FreePort;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The worker as a process, the way the launcher starts it. */
@ExtendWith({RealKafka.class, RealRedis.class})
class WorkerMainIT {
    @TempDir
    Path dir;

    private Process launch(Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("TRAINYARD_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    @Test
    void onSigtermTheWorkerStopsGracefullyAndExitsZero() throws Exception {
        int opsPort = FreePort.pick();
        Process worker = launch(Map.of(
                "TRAINYARD_KAFKA_BOOTSTRAP", RealKafka.broker().bootstrapServers(),
                "TRAINYARD_REDIS_URI", "redis://127.0.0.1:" + RealRedis.server().port(),
                "TRAINYARD_DATA_DIR", dir.resolve("data").toString(),
                "TRAINYARD_WORKER_ID", "process-worker",
                "TRAINYARD_OPS_PORT", Integer.toString(opsPort)));
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

            worker.destroy(); // SIGTERM

            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(worker.exitValue()).as(log()).isZero();
            assertThat(log()).contains("worker process-worker stopped");
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void aBadSettingIsNamedAndTheWorkerDoesNotStart() throws Exception {
        Process worker = launch(Map.of("TRAINYARD_WORKER_SLOTS", "many", "TRAINYARD_SANDBOX", "docker"));

        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(log()).contains("TRAINYARD_WORKER_SLOTS: not an integer", "TRAINYARD_SANDBOX: expected bwrap or none");
    }

    @Test
    void aMissingInterpreterIsNamed() throws Exception {
        Process worker = launch(Map.of("TRAINYARD_PYTHON", "/nonexistent/python3"));

        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(log()).contains("TRAINYARD_PYTHON: /nonexistent/python3 is not an executable");
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("worker.log"), StandardCharsets.UTF_8);
    }
}
