package io.trainyard.bench;

import io.trainyard.bench.BenchOptions.SchedulePattern;
import io.trainyard.common.job.JobType;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.schedule.CronSchedule;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.devtools.FreePort;
import io.trainyard.scheduler.SchedulerSettings;
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
 * Workload 4: one scheduler process owning N schedules that each fire once a minute, overlap ALLOW
 * so that every fire creates a run. {@code --schedule-pattern spread} (the default) gives schedule
 * i the Quartz rule {@code S * * * * ?} with S = i mod 60: N/60 fires due at every second, a steady
 * rate; {@code burst} gives them all {@code * * * * *}: N fires due in one instant each minute.
 * Fire lateness is each run's {@code queuedAt} (the claim, written by the scheduler) minus its
 * {@code fireTime}, read back from Redis for the fire times of the whole minutes after every
 * schedule was loaded; then the scheduler's heap after a full GC.
 *
 * <p>The schedules start at a minute boundary the load is expected to have reached (30 s plus a
 * second per 20,000 schedules from the publish): a schedule the scheduler learns of only after
 * its first fire times passed catches them up at once, and that burst (the whole load's worth of
 * fires, due before the scheduler knew of them) is a load's cost, not the steady rate's lateness
 * the workload measures. The first measured minute is the first whole one after both the start
 * and the load's end (plus 10 s).
 */
final class SchedulerLoad {
    static final String NAME = "scheduler";
    static final String TENANT = "bench-sched";
    private static final int CHUNK = 2_000;

    private SchedulerLoad() {}

    static void run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        Report report = ctx.report();
        SchedulePattern pattern = o.schedulePattern();
        int n = o.schedules();
        List<String> taskIds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            taskIds.add("s-" + ctx.nonce() + "-" + i);
        }
        writeTasks(ctx, taskIds, pattern);

        int port = FreePort.pick();
        Map<String, String> env = new HashMap<>(ctx.cluster().serviceEnv());
        env.put(SchedulerSettings.OPS_PORT.env(), Integer.toString(port));
        env.put(SchedulerSettings.INSTANCE_ID.env(), "bench-scheduler");
        try (JavaService scheduler = JavaService.start("scheduler", "io.trainyard.scheduler.SchedulerMain", maxHeap(n), env,
                ctx.logs())) {
            scheduler.awaitReady(port, Duration.ofSeconds(120));
            Pause.millis(3_000);
            report.figure("rssAtRest", "schedulerBytes", scheduler.rssBytes());

            ctx.say("scheduler: publishing " + n + " once-a-minute schedules (" + pattern.key() + ")");
            long loadStart = System.currentTimeMillis();
            Instant start = Instant.ofEpochMilli(loadStart).plusSeconds(30 + n / 20_000)
                    .truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            publish(ctx, taskIds, pattern, start);
            long owned = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while ((owned = (long) Scrape.sum(port, "trainyard_scheduler_schedules_owned")) < n) {
                scheduler.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the scheduler owns " + owned + " of " + n + " schedules after 10 minutes");
                }
                Pause.millis(250);
            }
            double loadSeconds = (System.currentTimeMillis() - loadStart) / 1000.0;
            // Whole minutes of fire times from the schedules' start, or from a minute boundary at
            // least 10 s after the load if that is later (fires due before the scheduler knew of
            // them are caught up at once; those of the first minutes after a slow load).
            Instant afterLoad = Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            Instant from = afterLoad.isAfter(start) ? afterLoad : start;
            Instant until = from.plus(Duration.ofMinutes(o.scheduleRounds()));
            ctx.say(String.format("scheduler: %,d schedules loaded in %.1f s, starting at %s; measuring the fire times in [%s, %s)",
                    n, loadSeconds, start, from, until));
            Pause.untilNanos(System.nanoTime() + Duration.between(Instant.now(), from).toNanos());
            double loadBefore = ProcessMemory.loadAverage();
            long redisPid = ProcessMemory.childPid("redis-server").orElse(-1L);
            long cpuBefore = ProcessMemory.cpuMillis(scheduler.pid());
            long redisBefore = redisPid > 0 ? ProcessMemory.cpuMillis(redisPid) : 0;
            Pause.untilNanos(System.nanoTime() + Duration.between(Instant.now(), until).toNanos());
            long cpuMillis = ProcessMemory.cpuMillis(scheduler.pid()) - cpuBefore;
            long redisMillis = redisPid > 0 ? ProcessMemory.cpuMillis(redisPid) - redisBefore : -1;
            double loadAfter = ProcessMemory.loadAverage();
            awaitFires(ctx, scheduler, taskIds, pattern, until);
            long heap = scheduler.heapAfterFullGc();
            long rss = scheduler.rssBytes();
            // No more fires while the runs are read back: each would add a run to read past.
            scheduler.terminate();

            Map<Long, Latencies> rounds = lateness(ctx, taskIds, from, until);
            Latencies all = new Latencies();
            List<Map<String, Object>> perRound = new ArrayList<>();
            for (Map.Entry<Long, Latencies> round : rounds.entrySet()) {
                all.add(round.getValue());
                perRound.add(Map.of("minute", Instant.ofEpochMilli(round.getKey()).toString(),
                        "fires", round.getValue().count(), "p50Millis", round.getValue().percentileMillis(50),
                        "p99Millis", round.getValue().percentileMillis(99), "maxMillis", round.getValue().maxMillis()));
            }
            long expected = (long) n * o.scheduleRounds();
            double cpuPercent = 100.0 * cpuMillis / Duration.between(from, until).toMillis();
            double redisPercent = 100.0 * redisMillis / Duration.between(from, until).toMillis();
            report.figure(NAME, "schedules", n);
            report.figure(NAME, "pattern", pattern.key());
            report.figure(NAME, "cron", pattern == SchedulePattern.BURST ? pattern.cron(0) : "S * * * * ?, S = i mod 60");
            report.figure(NAME, "firesPerMinute", n);
            report.figure(NAME, "loadSeconds", loadSeconds);
            report.figure(NAME, "schedulesStart", start.toString());
            report.figure(NAME, "loadOutlastedStart", from.isAfter(start));
            report.figure(NAME, "rounds", perRound);
            report.figure(NAME, "fires", all.count());
            report.figure(NAME, "firesExpected", expected);
            report.figure(NAME, "latenessP50Millis", all.percentileMillis(50));
            report.figure(NAME, "latenessP99Millis", all.percentileMillis(99));
            report.figure(NAME, "latenessMaxMillis", all.maxMillis());
            report.figure(NAME, "schedulerCpuPercent", cpuPercent);
            report.figure(NAME, "redisCpuPercent", redisPercent);
            report.figure(NAME, "heapAfterFullGcBytes", heap);
            report.figure(NAME, "rssWithSchedulesBytes", rss);
            report.figure(NAME, "load1mBefore", loadBefore);
            report.figure(NAME, "load1mAfter", loadAfter);
            String shape = pattern == SchedulePattern.BURST ? "all due at :00"
                    : String.format("spread over the minute, %,.0f fires/s", n / 60.0);
            String note = Report.count(n) + " schedules x " + rounds.size() + " minute(s), " + all.count() + " fires of "
                    + expected + ", " + shape + ", " + Report.load(loadBefore, loadAfter);
            report.row(NAME, "fire lateness p50", Report.millis(all.percentileMillis(50)), "", note);
            report.row(NAME, "fire lateness p99", Report.millis(all.percentileMillis(99)), "< 50 ms",
                    "max " + Report.millis(all.maxMillis()) + String.format("; CPU of a core: scheduler %.0f%%, redis-server %.0f%%",
                            cpuPercent, redisPercent));
            report.row(NAME, "heap after full GC", Report.mib(heap), n > 100_000 ? "< 512 MB" : "< 256 MB",
                    "RSS " + Report.mib(rss) + "; loaded in " + String.format("%.1f s", loadSeconds));
            ctx.say(String.format("scheduler: lateness p50 %.1f ms p99 %.1f ms max %.1f ms over %d fires; CPU scheduler %.0f%% "
                    + "redis-server %.0f%%; heap %s", all.percentileMillis(50), all.percentileMillis(99), all.maxMillis(),
                    all.count(), cpuPercent, redisPercent, Report.mib(heap)));
        }
    }

    /**
     * The scheduler's -Xmx: 512 MiB, or 1 KiB per schedule above half a million, so that a
     * heap over its target is measured rather than ending the workload with an OutOfMemoryError.
     */
    static String maxHeap(int schedules) {
        return Math.max(512, schedules / 1_000) + "m";
    }

    /** The task records the fires hang their runs on (the ingress writes them for a REPEAT task). */
    private static void writeTasks(BenchContext ctx, List<String> taskIds, SchedulePattern pattern) {
        TenantKeys keys = new TenantKeys(TENANT);
        String now = Long.toString(System.currentTimeMillis());
        for (int from = 0; from < taskIds.size(); from += CHUNK) {
            try (Pipeline p = ctx.cluster().jedis.pipelined()) {
                for (int i = from; i < Math.min(taskIds.size(), from + CHUNK); i++) {
                    String id = taskIds.get(i);
                    p.hset(keys.task(id), Map.of("id", id, "name", id, "tenant", TENANT, "type", "NOOP",
                            "recurrence", "REPEAT", "cronExpression", pattern.cron(i), "timeZone", "UTC",
                            "createdAt", now));
                }
                p.sync();
            }
        }
    }

    private static void publish(BenchContext ctx, List<String> taskIds, SchedulePattern pattern, Instant start) {
        Instant now = Instant.now();
        Map<String, CronSchedule> rules = new HashMap<>();
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.cluster().bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < taskIds.size(); i++) {
                String id = taskIds.get(i);
                CronSchedule rule = rules.computeIfAbsent(pattern.cron(i), cron -> CronSchedule.parse(cron, ZoneOffset.UTC));
                ScheduleDefinition definition = ScheduleDefinition.builder(TENANT, id)
                        .run(new RunTemplate(JobType.NOOP, null, null, id, 0))
                        .timing(new ScheduleTiming(rule, start, null))
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

    /**
     * Waits until every schedule has handled its last fire time before {@code until} (the task's
     * {@code lastFireAt}, written with the claim, has reached it), or 55 s after {@code until}.
     */
    private static void awaitFires(BenchContext ctx, JavaService scheduler, List<String> taskIds,
                                   SchedulePattern pattern, Instant until) {
        TenantKeys keys = new TenantKeys(TENANT);
        long lastMinute = until.minus(Duration.ofMinutes(1)).toEpochMilli();
        Instant giveUp = until.plusSeconds(55);
        int done = 0;
        while (done < taskIds.size() && Instant.now().isBefore(giveUp)) {
            scheduler.requireAlive();
            int to = Math.min(taskIds.size(), done + CHUNK);
            List<Response<String>> last = new ArrayList<>(to - done);
            try (Pipeline p = ctx.cluster().jedis.pipelined()) {
                for (int i = done; i < to; i++) {
                    last.add(p.hget(keys.task(taskIds.get(i)), "lastFireAt"));
                }
                p.sync();
            }
            int i = done;
            while (i < to && last.get(i - done).get() != null
                    && Long.parseLong(last.get(i - done).get()) >= lastMinute + pattern.second(i) * 1_000L) {
                i++;
            }
            if (i == done) {
                Pause.millis(250);
            }
            done = i;
        }
    }

    /** Lateness of every run whose fire time is in {@code [from, until)}, by the minute of its fire time. */
    private static Map<Long, Latencies> lateness(BenchContext ctx, List<String> taskIds, Instant from, Instant until) {
        TenantKeys keys = new TenantKeys(TENANT);
        Map<Long, Latencies> rounds = new TreeMap<>();
        for (Instant t = from; t.isBefore(until); t = t.plus(Duration.ofMinutes(1))) {
            rounds.put(t.toEpochMilli(), new Latencies());
        }
        // A schedule fires once a minute: its runs of [from, until) are among its latest
        // (minutes since from, plus one for a late catch-up fire); older ones need not be read.
        long latest = Duration.between(from, Instant.now()).toMinutes() + 2;
        for (int start = 0; start < taskIds.size(); start += CHUNK) {
            List<Response<List<String>>> lists = new ArrayList<>();
            try (Pipeline p = ctx.cluster().jedis.pipelined()) {
                for (String id : taskIds.subList(start, Math.min(taskIds.size(), start + CHUNK))) {
                    lists.add(p.lrange(keys.taskRuns(id), -latest, -1));
                }
                p.sync();
            }
            List<String> runIds = new ArrayList<>();
            lists.forEach(r -> runIds.addAll(r.get()));
            for (RunRecords.Run run : RunRecords.read(ctx.cluster().jedis, TENANT, runIds)) {
                Latencies round = rounds.get(run.fireTime() - Math.floorMod(run.fireTime(), 60_000L));
                if (round != null && run.queuedAt() > 0) {
                    round.recordMillis(run.queuedAt() - run.fireTime());
                }
            }
        }
        return rounds;
    }
}
