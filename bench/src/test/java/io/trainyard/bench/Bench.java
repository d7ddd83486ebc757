package io.trainyard.bench;

import io.trainyard.bench.BenchOptions.Workload;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code ./trainyard bench}: starts its own Kafka broker and redis-server, runs the chosen
 * workloads against real service processes, prints one table and writes it as JSON with the
 * machine's cores, memory, JDK, date, load and speed ({@link MachineSpeed}). A workload that
 * fails is reported as such and the others still run. Not a test: figures depend on the machine
 * and on what else runs on it.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("trainyard.root", ".")).toAbsolutePath().normalize();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, root);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options) ? 0 : 1);
    }

    /** Runs the benchmark; false when a workload failed. */
    static boolean run(BenchOptions o) throws IOException {
        Report report = new Report();
        report.header("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.header("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                + Report.mib(ProcessMemory.totalMemoryBytes()) + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        report.header("cores", Runtime.getRuntime().availableProcessors());
        report.header("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        report.header("commit", commit(o.root()));
        report.header("loadAtStart", ProcessMemory.loadLine());
        report.header("workloads", o.workloads().stream().map(Workload::key).toList());
        report.header("quick", o.quick());

        Path dir = Files.createTempDirectory("trainyard-bench-");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        boolean ok = true;
        System.err.println("bench: servers and logs in " + dir);
        machineSpeed(report, dir);
        try (BenchCluster cluster = BenchCluster.start(dir)) {
            BenchContext ctx = new BenchContext(o, cluster, logs, report,
                    UUID.randomUUID().toString().substring(0, 8));
            Pause.millis(3_000);
            report.figure("rssAtRest", "kafkaBrokerBytes", cluster.brokerRss());
            report.figure("rssAtRest", "redisServerBytes", cluster.redisRss());
            ok &= noopWorkloads(ctx);
            ok &= attempt(ctx, Workload.BULLMQ, () -> BullmqSide.run(ctx));
            ok &= attempt(ctx, Workload.HTTP, () -> HttpSubmit.run(ctx));
            ok &= attempt(ctx, Workload.SCHEDULER, () -> SchedulerLoad.run(ctx));
            ok &= attempt(ctx, Workload.SCALEOUT, () -> ScaleOut.run(ctx));
            ok &= attempt(ctx, Workload.STARTUP, () -> StartupLatency.run(ctx));
            ok &= attempt(ctx, Workload.REDIS, () -> RedisClusterThroughput.run(ctx));
            ok &= attempt(ctx, Workload.PIPELINE, () -> PipelineLoad.run(ctx));
            ok &= attempt(ctx, Workload.PRIORITY, () -> PriorityPickup.run(ctx));
            ok &= attempt(ctx, Workload.RATELIMIT, () -> RateLimitSmoothing.run(ctx));
            restingMemory(report);
        }
        report.header("loadAtEnd", ProcessMemory.loadLine());
        System.out.println();
        System.out.print(report.table());
        report.writeJson(o.out());
        System.err.println("bench: written to " + o.out());
        if (ok && System.getenv("TRAINYARD_BENCH_KEEP_LOGS") == null) {
            deleteTree(dir);
        } else if (ok) {
            System.err.println("bench: logs kept in " + logs + " (TRAINYARD_BENCH_KEEP_LOGS)");
        } else {
            System.err.println("bench: a workload failed; logs kept in " + logs);
        }
        return ok;
    }

    /** Measured before any server of the benchmark starts, so that nothing of its own competes. */
    private static void machineSpeed(Report report, Path dir) {
        try {
            MachineSpeed.measure(dir).ifPresentOrElse(speed -> {
                report.header("speed", speed.describe());
                report.header("speedOfReference", Math.round(speed.ofReference() * 100) / 100.0);
                System.err.println("bench: machine speed: " + speed.describe());
            }, () -> report.header("speed", "not measured: redis-benchmark or redis-server is not installed"));
        } catch (IOException | RuntimeException e) {
            report.header("speed", "not measured: " + e.getMessage());
        }
    }

    /** Queue and pickup share one pool of worker processes subscribed to both of their topics. */
    private static boolean noopWorkloads(BenchContext ctx) {
        BenchOptions o = ctx.options();
        if (!o.runs(Workload.QUEUE) && !o.runs(Workload.PICKUP)) {
            return true;
        }
        // Laid out as the product lays out its job topics.
        int partitions = TopicLayout.local().jobPartitions();
        ctx.cluster().createTopic(QueueThroughput.TOPIC, partitions);
        ctx.cluster().createTopic(PickupLatency.TOPIC, partitions);
        boolean ok = true;
        try (WorkerPool pool = new WorkerPool(ctx.cluster(), "worker", "io.trainyard.worker.WorkerMain",
                QueueThroughput.TOPIC + "," + PickupLatency.TOPIC, o.slots(),
                Map.of(WorkerSettings.BATCH.env(), Integer.toString(o.batch())), ctx.logs())) {
            ctx.say("starting " + o.workers() + " worker process(es), " + o.slots() + " slots each in lanes of "
                    + o.batch());
            pool.grow(o.workers(), Duration.ofSeconds(180));
            Pause.millis(3_000);
            ctx.report().figure("rssAtRest", "workerBytes", pool.rssPerWorker());
            ok &= attempt(ctx, Workload.QUEUE, () -> QueueThroughput.run(ctx, pool));
            ok &= attempt(ctx, Workload.PICKUP, () -> PickupLatency.run(ctx, pool));
        } catch (RuntimeException e) {
            failed(ctx, Workload.QUEUE, e);
            return false;
        }
        return ok;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static boolean attempt(BenchContext ctx, Workload workload, Step step) {
        if (!ctx.options().runs(workload)) {
            return true;
        }
        ctx.say("--- " + workload.key() + " (load " + ProcessMemory.loadLine() + ")");
        try {
            step.run();
            return true;
        } catch (Exception e) {
            failed(ctx, workload, e);
            return false;
        }
    }

    private static void failed(BenchContext ctx, Workload workload, Exception e) {
        ctx.say(workload.key() + " FAILED: " + e);
        e.printStackTrace();
        ctx.report().row(workload.key(), "FAILED", "-", "", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }

    private static void restingMemory(Report report) {
        Map<String, String> names = Map.of("kafkaBrokerBytes", "Kafka broker", "redisServerBytes", "redis-server",
                "ingressBytes", "ingress", "schedulerBytes", "scheduler", "workerBytes", "worker");
        for (String key : List.of("kafkaBrokerBytes", "redisServerBytes", "ingressBytes", "schedulerBytes", "workerBytes")) {
            Object value = report.figureOf("rssAtRest", key);
            if (value instanceof Long bytes) {
                report.row("memory", "RSS at rest: " + names.get(key), Report.mib(bytes), "", "");
            } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Long bytes) {
                report.row("memory", "RSS at rest: " + names.get(key), Report.mib(bytes), "",
                        list.size() > 1 ? "first of " + list.size() + " processes" : "");
            }
        }
    }

    /** The measured tree's commit, marked when it has uncommitted changes; "unknown" outside git. */
    private static String commit(Path root) {
        String head = git(root, "rev-parse", "--short", "HEAD").trim();
        if (head.isEmpty()) {
            return "unknown";
        }
        return git(root, "status", "--porcelain", "--untracked-files=no").isBlank() ? head
                : head + " (with uncommitted changes)";
    }

    private static String git(Path root, String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            return p.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: cannot remove " + dir + ": " + e);
        }
    }
}
