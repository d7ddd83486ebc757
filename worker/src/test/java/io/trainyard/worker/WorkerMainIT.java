package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.JavaProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private Process launch(Map<String, String> env) {
        return JavaProcess.of(WorkerMain.class).env(env).log(dir.resolve("worker.log")).start();
    }

    @Test
    void onSigtermTheWorkerStopsGracefullyAndExitsZero() throws Exception {
        int opsPort = FreePort.pick();
        Process worker = launch(Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), "redis://127.0.0.1:" + RealRedis.server().port(),
                CommonSettings.DATA_DIR.env(), dir.resolve("data").toString(),
                WorkerSettings.WORKER_ID.env(), "process-worker",
                WorkerSettings.OPS_PORT.env(), Integer.toString(opsPort)));
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
        Process worker = launch(Map.of(WorkerSettings.SLOTS.env(), "many", WorkerSettings.SANDBOX.env(), "docker"));

        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(log()).contains("TRAINYARD_WORKER_SLOTS: not an integer", "TRAINYARD_SANDBOX: expected bwrap or none");
    }

    @Test
    void aMissingInterpreterIsNamed() throws Exception {
        Process worker = launch(Map.of(WorkerSettings.PYTHON.env(), "/nonexistent/python3"));

        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(log()).contains("TRAINYARD_PYTHON: /nonexistent/python3 is not an executable");
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("worker.log"), StandardCharsets.UTF_8);
    }
}
