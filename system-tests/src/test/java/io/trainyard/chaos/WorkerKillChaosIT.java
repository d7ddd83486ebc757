package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 1: 200 short jobs on three worker processes, one of which is SIGKILLed (and started
 * again) every two seconds. Every job must end in exactly one terminal status, none may be lost
 * and none completed twice.
 *
 * <p>Statuses alone cannot show a double completion (the second write would overwrite the
 * first), so every execution of a script leaves a side effect the test reads afterwards: a file
 * {@code <runId>.<nonce>} in a shared directory holding "start <worker pid>" and, once the script's
 * work is done, "done <worker pid>"; the script prints its nonce, so the run's recorded output
 * names the execution whose status was written. Workers run with {@code TRAINYARD_SANDBOX=none}
 * for this (bubblewrap would keep the scripts from writing outside their run directory); the
 * parent pid of a script is its worker's JVM, so each execution is tied to the worker process
 * that ran it.
 *
 * <p>A scheduler runs beside them for its reconciler: a run whose record Kafka stops delivering (its
 * deliveries spent on workers killed while holding it) is queued again once its lease lapsed.
 * Workers may start a run 8 times; a run whose every start was cut short by a kill ends FAILED
 * "abandoned after N deliveries", as documented, and is counted apart ({@code abandoned}).
 *
 * <p>A run executed more than once is allowed (at-least-once execution) only when the extra
 * execution's worker was killed (a script whose worker died before it started sees pid 1 as its
 * parent: orphaned, so killed too); a completed execution on a worker that was never killed,
 * other than the one recorded, is a duplicate.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkerKillChaosIT {
    private static final int JOBS = 200;
    private static final int WORKERS = 3;
    private static final long KILL_EVERY_MS = 2_000;
    /** Bounds the chaos: after this many kills the workers are left alone to finish. */
    private static final int MAX_KILLS = 25;
    private static final Duration BOUND = Duration.ofMinutes(3);
    private static final long SEED = 20_251_106L;
    /** Starts a run may take: the most the settings allow, so that runs complete in the storm of kills. */
    private static final int MAX_ATTEMPTS = 8;

    @TempDir
    Path dir;

    /** One execution of a run's script, as its side-effect file tells it. */
    record Execution(String runId, String nonce, long workerPid, boolean done) {}

    @Test
    void everyJobEndsOnceWhileWorkersAreKilledEveryTwoSeconds() throws Exception {
        String tenant = "kill-" + Ids.next().substring(24);
        Figures figures = new Figures("worker-kill");
        Path effects = sharedDirectory(dir.resolve("effects"));
        Path logs = Files.createDirectories(Path.of("target", "chaos", tenant).toAbsolutePath());
        Map<String, String> env = ChaosIngress.workerEnv(Files.createDirectories(dir.resolve("data")), Map.of(
                WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS,
                WorkerSettings.SLOTS.env(), "4",
                WorkerSettings.SANDBOX.env(), "none",
                WorkerSettings.LEASE_MS.env(), "15000",
                WorkerSettings.MAX_ATTEMPTS.env(), Integer.toString(MAX_ATTEMPTS),
                WorkerSettings.SHUTDOWN_GRACE_MS.env(), "1000"));
        // The reconciler (in a scheduler) ends the wait of runs whose records Kafka stopped delivering.
        SchedulerService scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                CommonSettings.REDIS_URI.env(), ChaosIngress.redisUri(),
                SchedulerSettings.OPS_PORT.env(), "0",
                SchedulerSettings.INSTANCE_ID.env(), tenant + "-scheduler",
                SchedulerSettings.RECONCILER_INTERVAL_MS.env(), "4000",
                SchedulerSettings.MAX_ATTEMPTS.env(), Integer.toString(MAX_ATTEMPTS))), InstantSource.system(), () -> {});
        List<WorkerProcess> workers = new ArrayList<>();
        for (int i = 1; i <= WORKERS; i++) {
            workers.add(WorkerProcess.start("chaos-w" + i, env, logs));
        }
        Set<Long> killed = ConcurrentHashMap.newKeySet();
        AtomicInteger kills = new AtomicInteger();
        AtomicBoolean settled = new AtomicBoolean();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        Random random = new Random(SEED);
        List<String> runIds = new ArrayList<>();
        try (JedisPooled redis = RealRedis.client()) {
            Runs runs = new Runs(redis, tenant);
            publish(tenant, effects, runIds, random);
            killer.scheduleAtFixedRate(() -> {
                if (settled.get() || kills.get() >= MAX_KILLS) {
                    return;
                }
                WorkerProcess victim = workers.get(random.nextInt(WORKERS));
                String id = victim.workerId();
                killed.add(victim.kill());
                System.out.printf("%s SIGKILL %s (%d of %d ended)%n", java.time.LocalTime.now(), id,
                        JOBS - runs.notEnded(runIds).size(), JOBS);
                kills.incrementAndGet();
                victim.restart();
            }, KILL_EVERY_MS, KILL_EVERY_MS, TimeUnit.MILLISECONDS);

            runs.awaitEnded(runIds, BOUND);
            settled.set(true);
            killer.shutdown();
            killer.awaitTermination(30, TimeUnit.SECONDS);

            Map<String, Long> instances = new HashMap<>();
            workers.forEach(w -> instances.putAll(w.instances()));
            Map<String, List<Execution>> executions = executions(effects);
            int lost = 0;
            int duplicates = 0;
            int reexecuted = 0;
            int inconsistent = 0;
            int maxAttempt = 0;
            int abandoned = 0;
            List<String> problems = new ArrayList<>();
            for (String runId : runIds) {
                Map<String, String> run = runs.run(runId);
                List<Execution> ran = executions.getOrDefault(runId, List.of());
                String recorded = runs.output(runId).getOrDefault("stdout", "").strip();
                maxAttempt = Math.max(maxAttempt, Integer.parseInt(run.getOrDefault("attempt", "0")));
                if (ran.size() > 1) {
                    reexecuted++;
                }
                if ("FAILED".equals(run.get("status")) && run.getOrDefault("message", "").startsWith("abandoned after")
                        && ran.stream().allMatch(e -> killed.contains(e.workerPid()) || e.workerPid() == 1)) {
                    // Out of starts: every one of them was cut short by a kill. Ended as documented, not lost.
                    abandoned++;
                    continue;
                }
                if (!"COMPLETED".equals(run.get("status"))
                        || ran.stream().noneMatch(e -> e.done() && e.nonce().equals(recorded))) {
                    lost++;
                    problems.add(runId + " lost: " + run + " executions " + ran);
                    continue;
                }
                Execution written = ran.stream().filter(e -> e.nonce().equals(recorded)).findFirst().orElseThrow();
                if (!Long.valueOf(written.workerPid()).equals(instances.get(run.get("workerId")))) {
                    inconsistent++;
                    problems.add(runId + " status by " + run.get("workerId") + " but output of pid "
                            + written.workerPid());
                }
                if (ran.stream().anyMatch(e -> e.done() && !e.nonce().equals(recorded)
                        && instances.containsValue(e.workerPid()) && !killed.contains(e.workerPid()))) {
                    duplicates++;
                    problems.add(runId + " completed twice: recorded " + recorded + ", executions " + ran
                            + ", killed " + killed);
                }
            }
            figures.put("jobs", JOBS).put("workers", WORKERS).put("kills", kills.get()).put("lost", lost)
                    .put("duplicates", duplicates).put("reexecuted", reexecuted).put("inconsistent", inconsistent)
                    .put("maxAttempt", maxAttempt).put("abandoned", abandoned)
                    .put("statuses", runs.statusCounts(runIds)).print();
            problems.stream().limit(20).forEach(System.out::println);

            assertThat(kills.get()).as("workers killed").isGreaterThanOrEqualTo(5);
            assertThat(problems).as("lost, duplicate or inconsistent runs (worker logs in " + logs + ")").isEmpty();
        } finally {
            killer.shutdownNow();
            workers.forEach(WorkerProcess::close);
            scheduler.close();
        }
    }

    /** Publishes the jobs straight to the jobs topic (as any Kafka producer may) and waits for the acks. */
    private static void publish(String tenant, Path effects, List<String> runIds, Random random) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", RealKafka.broker().bootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < JOBS; i++) {
                String runId = Ids.next();
                runIds.add(runId);
                double seconds = 0.3 + random.nextInt(9) / 10.0;
                JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant,
                        JobType.CODE, null, null, script(effects, runId, seconds), 60, 1, System.currentTimeMillis());
                producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, runId, Json.writeString(job)));
            }
            producer.flush();
        }
    }

    /** Leaves "start" then, after its work, "done" in a file of its own, with its worker's pid; prints its nonce. */
    static String script(Path effects, String runId, double seconds) {
        return "import os, time\n"
                + "nonce = os.urandom(8).hex()\n"
                + "path = '" + effects + "/" + runId + ".' + nonce\n"
                + "worker = os.getppid()\n"
                + "with open(path, 'a') as f:\n"
                + "    f.write('start %d\\n' % worker)\n"
                + "time.sleep(" + seconds + ")\n"
                + "with open(path, 'a') as f:\n"
                + "    f.write('done %d\\n' % worker)\n"
                + "print(nonce)\n";
    }

    static Map<String, List<Execution>> executions(Path effects) throws IOException {
        Map<String, List<Execution>> byRun = new HashMap<>();
        try (Stream<Path> files = Files.list(effects)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                int dot = name.lastIndexOf('.');
                List<String> lines = Files.readAllLines(file);
                // Empty when the script was killed before its first write reached the file.
                long pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).split(" ")[1]);
                boolean done = lines.stream().anyMatch(l -> l.startsWith("done "));
                byRun.computeIfAbsent(name.substring(0, dot), k -> new ArrayList<>())
                        .add(new Execution(name.substring(0, dot), name.substring(dot + 1), pid, done));
            }
        }
        return byRun;
    }

    /** A directory every run's own user may write (the worker runs each script under a user id of its own). */
    static Path sharedDirectory(Path path) throws IOException {
        Files.createDirectories(path);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (Path p = path.getParent(); p != null && !p.equals(Path.of("/tmp")) && p.getNameCount() > 1; p = p.getParent()) {
            Set<java.nio.file.attribute.PosixFilePermission> perms = new HashSet<>(Files.getPosixFilePermissions(p));
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            perms.add(java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
        return path;
    }
}
