package io.trainyard.bench;

import io.trainyard.common.job.JobType;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.local.FreePort;
import io.trainyard.common.schedule.CronSchedule;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.common.store.TenantKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Workload 4: one scheduler process owning N schedules that all fire every minute ({@code * * * * *},
 * overlap ALLOW so that every fire creates a run). Fire lateness is each run's {@code queuedAt}
 * (the claim, written by the scheduler) minus its {@code fireTime}, read back from Redis for the
 * whole minutes after every schedule was loaded; then the scheduler's heap after a full GC.
 */
final class SchedulerLoad {
    static final String NAME = "scheduler";
    static final String TENANT = "bench-sched";
    private static final String CRON = "* * * * *";

    private SchedulerLoad() {}

    static void run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        Report report = ctx.report();
        int n = o.schedules();
        List<String> taskIds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            taskIds.add("s-" + ctx.nonce() + "-" + i);
        }
        writeTasks(ctx, taskIds);

        int port = FreePort.pick();
        Map<String, String> env = new HashMap<>(ctx.cluster().serviceEnv());
        env.put("TRAINYARD_OPS_PORT", Integer.toString(port));
        env.put("TRAINYARD_SCHEDULER_INSTANCE_ID", "bench-scheduler");
        try (JavaService scheduler = JavaService.start("scheduler", "io.trainyard.scheduler.SchedulerMain", "512m", env,
                ctx.logs())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Scrape.ready(port)) {
                scheduler.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the scheduler was not ready within 120 s");
                }
                Pause.millis(100);
            }
            Pause.millis(3_000);
            report.figure("rssAtRest", "schedulerBytes", scheduler.rssBytes());

            ctx.say("scheduler: publishing " + n + " every-minute schedules");
            long loadStart = System.currentTimeMillis();
            publish(ctx, taskIds);
            long owned = 0;
            deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while ((owned = (long) Scrape.sum(port, "trainyard_scheduler_schedules_owned")) < n) {
                scheduler.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the scheduler owns " + owned + " of " + n + " schedules after 10 minutes");
                }
                Pause.millis(250);
            }
            double loadSeconds = (System.currentTimeMillis() - loadStart) / 1000.0;
            Instant firstRound = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            Instant lastRound = firstRound.plus(Duration.ofMinutes(o.scheduleRounds() - 1));
            ctx.say(String.format("scheduler: %,d schedules loaded in %.1f s; measuring the fires of %s to %s",
                    n, loadSeconds, firstRound, lastRound));
            double loadBefore = ProcessMemory.loadAverage();
            long launchedBefore = launched(port);
            Pause.untilNanos(System.nanoTime() + Duration.between(Instant.now(), lastRound).toNanos());
            awaitFires(scheduler, port, launchedBefore, (long) n * o.scheduleRounds(), lastRound);
            double loadAfter = ProcessMemory.loadAverage();
            long heap = scheduler.heapAfterFullGc();
            long rss = scheduler.rssBytes();

            Map<Long, Latencies> rounds = lateness(ctx, taskIds, firstRound, lastRound);
            Latencies all = new Latencies();
            List<Map<String, Object>> perRound = new ArrayList<>();
            for (Map.Entry<Long, Latencies> round : rounds.entrySet()) {
                all.add(round.getValue());
                perRound.add(Map.of("fireTime", Instant.ofEpochMilli(round.getKey()).toString(),
                        "fires", round.getValue().count(), "p50Millis", round.getValue().percentileMillis(50),
                        "p99Millis", round.getValue().percentileMillis(99), "maxMillis", round.getValue().maxMillis()));
            }
            report.figure(NAME, "schedules", n);
            report.figure(NAME, "cron", CRON);
            report.figure(NAME, "loadSeconds", loadSeconds);
            report.figure(NAME, "rounds", perRound);
            report.figure(NAME, "fires", all.count());
            report.figure(NAME, "latenessP50Millis", all.percentileMillis(50));
            report.figure(NAME, "latenessP99Millis", all.percentileMillis(99));
            report.figure(NAME, "latenessMaxMillis", all.maxMillis());
            report.figure(NAME, "heapAfterFullGcBytes", heap);
            report.figure(NAME, "rssWithSchedulesBytes", rss);
            report.figure(NAME, "load1mBefore", loadBefore);
            report.figure(NAME, "load1mAfter", loadAfter);
            String note = Report.count(n) + " schedules x " + rounds.size() + " minute(s), " + all.count() + " fires of "
                    + (long) n * o.scheduleRounds() + ", all due at :00, " + Report.load(loadBefore, loadAfter);
            report.row(NAME, "fire lateness p50", Report.millis(all.percentileMillis(50)), "", note);
            report.row(NAME, "fire lateness p99", Report.millis(all.percentileMillis(99)), "< 50 ms",
                    "max " + Report.millis(all.maxMillis()));
            report.row(NAME, "heap after full GC", Report.mib(heap), "< 256 MB",
                    "RSS " + Report.mib(rss) + "; loaded in " + String.format("%.1f s", loadSeconds));
            ctx.say(String.format("scheduler: lateness p50 %.1f ms p99 %.1f ms over %d fires; heap %s",
                    all.percentileMillis(50), all.percentileMillis(99), all.count(), Report.mib(heap)));
        }
    }

    /** The task records the fires hang their runs on (the ingress writes them for a REPEAT task). */
    private static void writeTasks(BenchContext ctx, List<String> taskIds) {
        TenantKeys keys = new TenantKeys(TENANT);
        String now = Long.toString(System.currentTimeMillis());
        for (int from = 0; from < taskIds.size(); from += 2_000) {
            try (Pipeline p = ctx.cluster().jedis.pipelined()) {
                for (String id : taskIds.subList(from, Math.min(taskIds.size(), from + 2_000))) {
                    p.hset(keys.task(id), Map.of("id", id, "name", id, "tenant", TENANT, "type", "NOOP",
                            "recurrence", "REPEAT", "cronExpression", CRON, "timeZone", "UTC", "createdAt", now));
                }
                p.sync();
            }
        }
    }

    private static void publish(BenchContext ctx, List<String> taskIds) {
        Instant now = Instant.now();
        CronSchedule rule = CronSchedule.parse(CRON, ZoneOffset.UTC);
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.cluster().bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String id : taskIds) {
                ScheduleDefinition definition = ScheduleDefinition.builder(TENANT, id)
                        .run(new RunTemplate(JobType.NOOP, null, null, id, 0))
                        .timing(new ScheduleTiming(rule, now, null))
                        .overlap(OverlapPolicy.ALLOW)
                        .createdAt(now)
                        .build();
                producer.send(new ProducerRecord<>(Topics.SCHEDULES, definition.key(), definition.toJson()),
                        (metadata, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " schedules not acknowledged by Kafka");
        }
    }

    private static long launched(int port) {
        return (long) Scrape.sum(port, "trainyard_scheduler_fires_total", "outcome=\"launched\"");
    }

    /** Waits until the measured minutes' fires are launched, or 55 s after the last of them. */
    private static void awaitFires(JavaService scheduler, int port, long before, long expected, Instant lastRound) {
        Instant giveUp = lastRound.plusSeconds(55);
        while (launched(port) - before < expected && Instant.now().isBefore(giveUp)) {
            scheduler.requireAlive();
            Pause.millis(250);
        }
    }

    /** Lateness of every run whose fire time is one of the measured minutes, by fire time. */
    private static Map<Long, Latencies> lateness(BenchContext ctx, List<String> taskIds, Instant first, Instant last) {
        TenantKeys keys = new TenantKeys(TENANT);
        Map<Long, Latencies> rounds = new TreeMap<>();
        for (Instant t = first; !t.isAfter(last); t = t.plus(Duration.ofMinutes(1))) {
            rounds.put(t.toEpochMilli(), new Latencies());
        }
        for (int from = 0; from < taskIds.size(); from += 2_000) {
            List<Response<List<String>>> lists = new ArrayList<>();
            try (Pipeline p = ctx.cluster().jedis.pipelined()) {
                for (String id : taskIds.subList(from, Math.min(taskIds.size(), from + 2_000))) {
                    lists.add(p.lrange(keys.taskRuns(id), 0, -1));
                }
                p.sync();
            }
            List<String> runIds = new ArrayList<>();
            lists.forEach(r -> runIds.addAll(r.get()));
            for (RunRecords.Run run : RunRecords.read(ctx.cluster().jedis, TENANT, runIds)) {
                Latencies round = rounds.get(run.fireTime());
                if (round != null && run.queuedAt() > 0) {
                    round.recordMillis(run.queuedAt() - run.fireTime());
                }
            }
        }
        return rounds;
    }
}
