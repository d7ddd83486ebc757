package io.trainyard.worker.perf;

import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.JavaProcess;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** One {@code WorkerMain} child process for {@link QueueBench}, watched through its /metrics. */
final class WorkerProcess implements AutoCloseable {
    private static final String FINISHED = "trainyard_worker_runs_finished_total{";

    private final Process process;
    private final int opsPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private WorkerProcess(Process process, int opsPort) {
        this.process = process;
        this.opsPort = opsPort;
    }

    static WorkerProcess start(Map<String, String> env, Path dir, String jfr) throws IOException {
        int port = FreePort.pick();
        JavaProcess java = JavaProcess.of("io.trainyard.worker.WorkerMain").jvm("-Xmx1g", "-XX:+UseG1GC");
        if (!jfr.isBlank()) {
            java.jvm("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,jdk.ExecutionSample#period=1ms");
        }
        java.env(env).env(WorkerSettings.OPS_PORT.env(), Integer.toString(port)).log(dir.resolve("worker.log"));
        WorkerProcess worker = new WorkerProcess(java.start(), port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!worker.ready()) {
            if (!worker.process.isAlive() || System.nanoTime() > deadline) {
                worker.close();
                throw new IllegalStateException("the worker did not become ready; see " + dir.resolve("worker.log"));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return worker;
    }

    long pid() {
        return process.pid();
    }

    private boolean ready() {
        try {
            return get("/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The worker's metrics lines whose names start with {@code prefix}. */
    List<String> metrics(String prefix) {
        try {
            return get("/metrics").body().lines().filter(l -> l.startsWith(prefix)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Runs this worker ended COMPLETED. */
    long completed() {
        try {
            double sum = 0;
            for (String line : get("/metrics").body().split("\n")) {
                if (line.startsWith(FINISHED) && line.contains("status=\"COMPLETED\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) sum;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Waits until {@link #completed()} reaches {@code target}, or has not moved for 30 s. Asks
     * once a second: a scrape costs the worker CPU (the figures come from the run records).
     */
    void awaitCompleted(long target) {
        long seen = completed();
        long movedAt = System.nanoTime();
        while (seen < target) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_000));
            long now = completed();
            if (now > seen) {
                seen = now;
                movedAt = System.nanoTime();
            } else if (System.nanoTime() - movedAt > TimeUnit.SECONDS.toNanos(30) || !process.isAlive()) {
                QueueBench.say("stalled at " + seen + " of " + target + " completed");
                return;
            }
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
