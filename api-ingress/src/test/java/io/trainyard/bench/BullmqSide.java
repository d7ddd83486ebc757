package io.trainyard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Workload 6: the same no-op workload on BullMQ (bench/bullmq/bench.mjs: producer and worker in
 * one Node process, concurrency 200, first add -> last completed) against the same
 * redis-server, in the same run; the ratio to Trainyard's queue figure. Skipped, with a note,
 * where node and npm are missing. {@code npm install} runs once, into bench/bullmq/node_modules.
 */
final class BullmqSide {
    static final String NAME = "bullmq";

    private BullmqSide() {}

    static void run(BenchContext ctx) throws IOException, InterruptedException {
        Report report = ctx.report();
        Path dir = ctx.options().root().resolve("bench/bullmq");
        if (!onPath("node") || !onPath("npm")) {
            report.row(NAME, "no-op jobs/s (BullMQ, same redis-server)", "n/a", "", "node/npm not installed");
            return;
        }
        if (!Files.isDirectory(dir.resolve("node_modules/bullmq"))) {
            ctx.say("bullmq: npm install in " + dir);
            exec(dir, ctx.logs().resolve("npm-install.log"), 600, "npm", "install", "--no-audit", "--no-fund");
        }
        int jobs = ctx.options().jobs();
        ctx.say("bullmq: " + jobs + " no-op jobs");
        double loadBefore = ProcessMemory.loadAverage();
        String out = exec(dir, ctx.logs().resolve("bullmq.log"), 1800, "node", "bench.mjs",
                Integer.toString(ctx.cluster().redis.port()), Integer.toString(jobs));
        double loadAfter = ProcessMemory.loadAverage();
        JsonNode result = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("{") && line.contains("\"system\":\"bullmq\"")) {
                result = Json.MAPPER.readTree(line);
            }
        }
        if (result == null) {
            throw new IllegalStateException("bench.mjs printed no result; see " + ctx.logs().resolve("bullmq.log"));
        }
        double rate = result.path("jobsPerSecond").asDouble();
        report.figure(NAME, "jobs", jobs);
        report.figure(NAME, "version", result.path("version").asText(""));
        report.figure(NAME, "jobsPerSecond", rate);
        report.figure(NAME, "seconds", result.path("seconds").asDouble());
        report.figure(NAME, "load1mBefore", loadBefore);
        report.figure(NAME, "load1mAfter", loadAfter);
        report.row(NAME, "no-op jobs/s (BullMQ " + result.path("version").asText("?") + ", same redis-server)",
                Report.count(rate) + " jobs/s", "", jobs + " jobs, one process, concurrency 200, "
                        + Report.load(loadBefore, loadAfter));
        Object ours = report.figureOf(QueueThroughput.NAME, "jobsPerSecond");
        if (ours instanceof Double trainyard && rate > 0) {
            report.figure(NAME, "trainyardOverBullmq", trainyard / rate);
            report.row(NAME, "Trainyard queue / BullMQ", String.format("%.2fx", trainyard / rate), ">= 1.5x",
                    "same jobs, same redis-server, same run");
        }
        ctx.say(String.format("bullmq: %,.0f jobs/s", rate));
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String exec(Path dir, Path log, long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + "; see " + log);
        }
        return Files.readString(log);
    }
}
