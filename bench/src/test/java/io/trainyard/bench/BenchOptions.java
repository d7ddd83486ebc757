package io.trainyard.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one benchmark run measures and at what size. Built from the command line of
 * {@code ./trainyard bench [workload...] [--quick] [--jobs N] ...}; {@code --quick} swaps every
 * default for a small one (a minute or two in all), explicit flags still win.
 */
record BenchOptions(Set<Workload> workloads, boolean quick, int jobs, int workers, int slots, int batch,
                    int pickupRate, int pickupSeconds, int httpConnections, int httpRateConnections, int httpSeconds, int httpRate,
                    int schedules, int scheduleRounds, SchedulePattern schedulePattern, List<Integer> scaleCounts, int scalePartitions,
                    int scaleSlots, int sleepMillis, int scaleSeconds, int backlog, int rate, int rateSeconds, Path root,
                    Path out) {

    /** The workloads, in the order a run executes them. */
    enum Workload {
        QUEUE, PICKUP, BULLMQ, HTTP, SCHEDULER, SCALEOUT, STARTUP, REDIS, PIPELINE, PRIORITY, RATELIMIT;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** When in the minute the scheduler workload's schedules fire. */
    enum SchedulePattern {
        /** Schedule i fires at second i mod 60 of every minute: the same fires per minute, a steady rate. */
        SPREAD,
        /** Every schedule fires at second 0 of every minute ({@code * * * * *}): the whole minute's fires at once. */
        BURST;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The cron rule of the {@code i}-th schedule. */
        String cron(int i) {
            return this == BURST ? "* * * * *" : (i % 60) + " * * * * ?";
        }

        /** The second of the minute the {@code i}-th schedule fires at. */
        int second(int i) {
            return this == BURST ? 0 : i % 60;
        }
    }

    static final String USAGE = """
            usage: ./trainyard bench [queue] [pickup] [bullmq] [http] [scheduler] [scaleout] [startup] [redis] [pipeline] [priority] [ratelimit] [options]
              (no workload named: all of them)
              --quick              small sizes everywhere (explicit options still apply)
              --jobs N             no-op jobs of the queue workload, of BullMQ's and of each side of the
                                   redis workload (one redis-server, then a 3-primary Redis Cluster)
                                   (200000; quick 5000)
                                   (startup: 100 trivial scripts and 10 iris trainings; quick 20 and 3)
              --workers N          worker processes for queue and pickup (1: on 2 cores a second JVM
                                   adds CPU per job, not capacity; the scale-out workload runs up to 8)
              --slots N            slots per worker for queue, pickup and pipeline (2000)
              --batch N            records per poll of each worker lane, TRAINYARD_WORKER_BATCH (1000)
              --pickup-rate N      jobs/s of the pickup workload (1000)
              --pickup-seconds N   length of the pickup workload (20; quick 5)
              --http-seconds N     length of each HTTP phase (15; quick 4)
              --http-rate N        fixed request rate of the HTTP latency phase (5000)
              --http-connections N connections of wrk at saturation (256: enough that the ingress, not
                                   the clients' round trips, limits the rate)
              --http-rate-connections N connections of the fixed-rate generator (64)
              --schedules N        active every-minute schedules (100000; quick 2000)
              --schedule-rounds N  minutes of fires measured (2; quick 1)
              --schedule-pattern P spread: schedule i fires at second i mod 60 of every minute (Quartz
                                   'S * * * * ?'), a steady schedules/60 fires/s; burst: all at second 0
                                   ('* * * * *'), the whole minute's fires due in one instant (spread)
              --scale-workers LIST worker counts of the scale-out (1,2,4,8; quick 1,2)
              --scale-partitions N partitions of the scale-out topic (2)
              --scale-slots N      slots per worker in the scale-out (4)
              --sleep-ms N         how long each scale-out job sleeps (50)
              --scale-seconds N    ideal length of each scale-out step (10; quick 3)
              --backlog N          low-priority jobs the priority workload queues before its high ones
                                   (100000; quick 10000)
              --rate N             jobs/s a tenant may start in the ratelimit workload (200)
              --rate-seconds N     length of the ratelimit workload's burst at that rate (60; quick 10)
              --out FILE           where the JSON goes (bench/results/latest.json)
            """;

    static BenchOptions parse(String[] args, Path root) {
        boolean quick = List.of(args).contains("--quick");
        Set<Workload> workloads = EnumSet.noneOf(Workload.class);
        int jobs = quick ? 5_000 : 200_000;
        int workers = 1;
        int slots = 2_000;
        int batch = 1_000;
        int pickupRate = 1_000;
        int pickupSeconds = quick ? 5 : 20;
        int httpConnections = 256;
        int httpRateConnections = 64;
        int httpSeconds = quick ? 4 : 15;
        int httpRate = 5_000;
        int schedules = quick ? 2_000 : 100_000;
        int rounds = quick ? 1 : 2;
        SchedulePattern pattern = SchedulePattern.SPREAD;
        List<Integer> scaleCounts = quick ? List.of(1, 2) : List.of(1, 2, 4, 8);
        int scalePartitions = 2;
        int scaleSlots = 4;
        int sleepMillis = 50;
        int scaleSeconds = quick ? 3 : 10;
        int backlog = quick ? 10_000 : 100_000;
        int rate = 200;
        int rateSeconds = quick ? 10 : 60;
        Path out = root.resolve("bench/results/latest.json");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                workloads.add(workload(arg));
                continue;
            }
            if (arg.equals("--quick")) {
                continue;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (arg) {
                case "--jobs" -> jobs = positive(arg, value);
                case "--workers" -> workers = positive(arg, value);
                case "--slots" -> slots = positive(arg, value);
                case "--batch" -> batch = positive(arg, value);
                case "--pickup-rate" -> pickupRate = positive(arg, value);
                case "--pickup-seconds" -> pickupSeconds = positive(arg, value);
                case "--http-seconds" -> httpSeconds = positive(arg, value);
                case "--http-rate" -> httpRate = positive(arg, value);
                case "--http-connections" -> httpConnections = positive(arg, value);
                case "--http-rate-connections" -> httpRateConnections = positive(arg, value);
                case "--schedules" -> schedules = positive(arg, value);
                case "--schedule-rounds" -> rounds = positive(arg, value);
                case "--schedule-pattern" -> pattern = pattern(arg, value);
                case "--scale-workers" -> scaleCounts = counts(arg, value);
                case "--scale-partitions" -> scalePartitions = positive(arg, value);
                case "--scale-slots" -> scaleSlots = positive(arg, value);
                case "--sleep-ms" -> sleepMillis = positive(arg, value);
                case "--scale-seconds" -> scaleSeconds = positive(arg, value);
                case "--backlog" -> backlog = positive(arg, value);
                case "--rate" -> rate = positive(arg, value);
                case "--rate-seconds" -> rateSeconds = positive(arg, value);
                case "--out" -> out = Path.of(value).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
        }
        if (workloads.isEmpty()) {
            workloads = EnumSet.allOf(Workload.class);
        }
        return new BenchOptions(workloads, quick, jobs, workers, slots, batch, pickupRate, pickupSeconds, httpConnections, httpRateConnections,
                httpSeconds, httpRate, schedules, rounds, pattern, scaleCounts, scalePartitions, scaleSlots, sleepMillis,
                scaleSeconds, backlog, rate, rateSeconds, root, out);
    }

    boolean runs(Workload workload) {
        return workloads.contains(workload);
    }

    private static Workload workload(String name) {
        for (Workload w : Workload.values()) {
            if (w.key().equals(name.toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'\n" + USAGE);
    }

    private static SchedulePattern pattern(String option, String value) {
        for (SchedulePattern p : SchedulePattern.values()) {
            if (p.key().equals(value.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException(option + " expects spread or burst, got '" + value + "'");
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(option + " expects a positive whole number, got '" + value + "'");
    }

    private static List<Integer> counts(String option, String value) {
        List<Integer> counts = new ArrayList<>();
        for (String part : value.split(",")) {
            counts.add(positive(option, part.trim()));
        }
        return List.copyOf(counts);
    }
}
