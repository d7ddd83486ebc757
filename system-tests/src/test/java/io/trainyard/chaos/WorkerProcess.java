package io.trainyard.chaos;

import io.trainyard.devtools.JavaProcess;
import io.trainyard.worker.WorkerMain;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker as a separate JVM ({@link WorkerMain}, configured by environment variables, the way
 * the launcher and the images start it), which a scenario can SIGKILL and start again. Each
 * start is a new generation: its worker id ends in {@code -g<n>}, so a run record names the very
 * process that wrote it. Output goes to one log file per generation.
 */
final class WorkerProcess implements AutoCloseable {
    private final String name;
    private final Map<String, String> env;
    private final Path logDir;
    private final List<Long> pids = new ArrayList<>();
    private Process process;
    private int generation;

    private final List<String> jvmOptions;

    private WorkerProcess(String name, Map<String, String> env, Path logDir, List<String> jvmOptions) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.name = name;
        this.env = Map.copyOf(env);
        this.logDir = logDir;
    }

    /** Starts {@code name}'s first generation; {@code env} holds its TRAINYARD_* settings. */
    static WorkerProcess start(String name, Map<String, String> env, Path logDir) {
        return start(name, env, logDir, List.of());
    }

    /** As {@link #start(String, Map, Path)}, with further JVM options (e.g. a test hook's system property). */
    static WorkerProcess start(String name, Map<String, String> env, Path logDir, List<String> jvmOptions) {
        WorkerProcess worker = new WorkerProcess(name, env, logDir, jvmOptions);
        worker.launch();
        return worker;
    }

    private synchronized void launch() {
        generation++;
        String id = workerId();
        process = JavaProcess.of(WorkerMain.class)
                // Small and quick to start: three of them share two cores with the broker.
                .jvm("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn")
                .jvm(jvmOptions.toArray(String[]::new))
                .env(env).env(WorkerSettings.WORKER_ID.env(), id)
                .log(logDir.resolve(id + ".log"))
                .start();
        pids.add(process.pid());
    }

    /** The current generation's worker id. */
    synchronized String workerId() {
        return name + "-g" + generation;
    }

    /** The process id of every generation started so far, oldest first. */
    synchronized List<Long> pids() {
        return List.copyOf(pids);
    }

    /** Worker id to process id, for every generation started so far. */
    synchronized Map<String, Long> instances() {
        Map<String, Long> byId = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pids.size(); i++) {
            byId.put(name + "-g" + (i + 1), pids.get(i));
        }
        return byId;
    }

    synchronized long pid() {
        return process.pid();
    }

    synchronized boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would; returns the killed process's id. */
    synchronized long kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.pid();
    }

    /** Starts the next generation. */
    void restart() {
        launch();
    }

    /** SIGTERM (the graceful stop), SIGKILL if it has not exited within the bound. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
