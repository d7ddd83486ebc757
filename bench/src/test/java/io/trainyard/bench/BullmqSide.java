package io.trainyard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Workload 6: the same no-op workload on BullMQ (bench/bullmq/bench.mjs) in three settings
 * against the same redis-server, in the same run: one process (addBulk, concurrency 200); a
 * producer process beside a worker process of concurrency 1,000; a worker of concurrency 1,000
 * draining a pre-filled queue. Trainyard's queue figure is divided by the best of them. Skipped, with a note,
 * where node and npm are missing. {@code npm install} runs once, into bench/bullmq/node_modules.
 */
final class BullmqSide {
    static final String NAME = "bullmq";
    /** bench.mjs's settings; the comparison takes the best. */
    static final List<String> SETTINGS = List.of("one-process", "split", "drain");
    private static final java.util.Map<String, String> DESCRIPTIONS = java.util.Map.of(
            "one-process", "one process, addBulk of 1,000, concurrency 200, first add -> last completed",
            "split", "a producer process (addBulk of 1,000) beside a worker process of concurrency 1,000, first add -> last completed",
            "drain", "a worker of concurrency 1,000 draining a pre-filled queue, first pickup -> last completed");

    private BullmqSide() {}

    static void run(BenchContext ctx) throws IOException, InterruptedException {
        Report report = ctx.report();
        Path dir = ctx.options().root().resolve("bench/bullmq");
        if (!Programs.onPath("node") || !Programs.onPath("npm")) {
            report.row(NAME, "no-op jobs/s (BullMQ, same redis-server)", "n/a", "", "node/npm not installed");
            return;
        }
        if (!Files.isDirectory(dir.resolve("node_modules/bullmq"))) {
            ctx.say("bullmq: npm install in " + dir);
            exec(dir, ctx.logs().resolve("npm-install.log"), 600, "npm", "install", "--no-audit", "--no-fund");
        }
        int jobs = ctx.options().jobs();
        JsonNode best = null;
        for (String setting : SETTINGS) {
            JsonNode result = runSetting(ctx, dir, setting, jobs);
            if (best == null || result.path("jobsPerSecond").asDouble() > best.path("jobsPerSecond").asDouble()) {
                best = result;
            }
        }
        double rate = best.path("jobsPerSecond").asDouble();
        report.figure(NAME, "jobs", jobs);
        report.figure(NAME, "version", best.path("version").asText(""));
        report.figure(NAME, "bestSetting", best.path("setting").asText());
        report.figure(NAME, "jobsPerSecond", rate);
        Object ours = report.figureOf(QueueThroughput.NAME, "jobsPerSecond");
        if (ours instanceof Double trainyard && rate > 0) {
            report.figure(NAME, "trainyardOverBullmq", trainyard / rate);
            report.row(NAME, "Trainyard queue / BullMQ's best setting", String.format("%.2fx", trainyard / rate), ">= 2.5x",
                    "best: " + best.path("setting").asText() + "; same jobs, same redis-server, same run");
        }
        ctx.say(String.format("bullmq: best %,.0f jobs/s (%s)", rate, best.path("setting").asText()));
    }

    /** Runs bench.mjs in one setting (its own Node process or two) and reports it; its JSON result. */
    private static JsonNode runSetting(BenchContext ctx, Path dir, String setting, int jobs)
            throws IOException, InterruptedException {
        ctx.say("bullmq: " + jobs + " no-op jobs, " + setting);
        Path log = ctx.logs().resolve("bullmq-" + setting + ".log");
        double loadBefore = ProcessMemory.loadAverage();
        String out = exec(dir, log, 1800, "node", "bench.mjs", Integer.toString(ctx.cluster().redis.port()),
                Integer.toString(jobs), setting);
        double loadAfter = ProcessMemory.loadAverage();
        JsonNode result = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("{") && line.contains("\"system\":\"bullmq\"")) {
                result = Json.MAPPER.readTree(line);
            }
        }
        if (result == null) {
            throw new IllegalStateException("bench.mjs printed no result; see " + log);
        }
        double rate = result.path("jobsPerSecond").asDouble();
        String key = NAME + "." + setting;
        ctx.report().figure(key, "jobsPerSecond", rate);
        ctx.report().figure(key, "seconds", result.path("seconds").asDouble());
        ctx.report().figure(key, "concurrency", result.path("concurrency").asInt());
        ctx.report().figure(key, "load1mBefore", loadBefore);
        ctx.report().figure(key, "load1mAfter", loadAfter);
        ctx.report().row(NAME, "no-op jobs/s (BullMQ " + result.path("version").asText("?") + ", " + setting + ")",
                Report.count(rate) + " jobs/s", "", jobs + " jobs, " + DESCRIPTIONS.get(setting) + ", "
                        + Report.load(loadBefore, loadAfter));
        ctx.say(String.format("bullmq (%s): %,.0f jobs/s", setting, rate));
        return result;
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
