package io.trainyard.bench;

import io.trainyard.devtools.JavaProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Trainyard service (worker, ingress, scheduler) in a JVM of its own, started from the
 * benchmark's class path with its configuration in environment variables, as a deployment runs
 * it. Output goes to a log file; {@link #close()} is the graceful SIGTERM stop.
 */
final class JavaService implements AutoCloseable {
    /** Extra JVM options for every service, {name} replaced by the service's name (profiling). */
    static final String JVM_OPTIONS = "trainyard.bench.jvmOptions";
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    final String name;
    private final Process process;
    private final Path log;

    private JavaService(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static JavaService start(String name, String mainClass, String heap, Map<String, String> env, Path logs) {
        JavaProcess java = JavaProcess.of(mainClass)
                .jvm("-Xmx" + heap, "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn");
        // TRAINYARD_BENCH_JVM_OPTIONS="-XX:StartFlightRecording=filename=/tmp/{name}.jfr" ./trainyard bench ... profiles them
        for (String option : System.getProperty(JVM_OPTIONS, "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                java.jvm(option.replace("{name}", name));
            }
        }
        Path log = logs.resolve(name + ".log");
        Process process = java.env(env).appendLog(log).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new JavaService(name, process, log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Fails, naming the log, when the process has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    /** Waits until the service's ops port reports ready, failing when it exits or {@code within} passes. */
    void awaitReady(int opsPort, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!Scrape.ready(opsPort)) {
            requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " was not ready within " + within.toSeconds() + " s");
            }
            Pause.millis(100);
        }
    }

    long rssBytes() {
        return ProcessMemory.rssBytes(pid());
    }

    /** A full GC in the service ({@code jcmd GC.run}), then its heap in use, in bytes; -1 when jcmd fails. */
    long heapAfterFullGc() {
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    }

    private String jcmd(String command) {
        try {
            Process p = new ProcessBuilder(java("jcmd"), Long.toString(pid()), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGTERM without waiting; {@link #close()} waits. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(40).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String java(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }
}
