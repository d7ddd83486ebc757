package io.trainyard.worker.perf;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.KafkaBroker;
import io.trainyard.devtools.RedisServer;
import io.trainyard.worker.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;

/**
 * The worker's hot path measured on its own (not a test; run by hand): its own broker and
 * redis-server, one worker process, NOOP jobs from a plain producer.
 *
 * <ol>
 *   <li>throughput: N jobs from a batched producer, first publish to last {@code completedAt};
 *   <li>pickup: jobs one by one at a fixed rate, {@code executedAt - queuedAt} per run.
 * </ol>
 *
 * <p>{@code java -cp <worker test classpath> io.trainyard.worker.perf.QueueBench [--jobs 50000]
 * [--slots 1000] [--batch 500] [--rate 1000] [--seconds 10] [--warmup 5000] [--jfr file] [--aof yes] [--idle 0]}; further
 * {@code TRAINYARD_*=value} arguments go to the worker's environment.
 */
public final class QueueBench {
    private static final String TENANT = "perf";

    private QueueBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("--jobs", "50000", "--slots", "1000", "--batch", "500",
                "--rate", "1000", "--seconds", "10", "--jfr", "", "--warmup", "5000",
                "--aof", "yes", "--idle", "0"));
        Map<String, String> workerEnv = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("TRAINYARD_")) {
                String[] kv = args[i].split("=", 2);
                workerEnv.put(kv[0], kv[1]);
            } else {
                opts.put(args[i], args[++i]);
            }
        }
        Path dir = Files.createTempDirectory("trainyard-perf-");
        try (RedisServer redisServer = RedisServer.start(dir.resolve("redis"), FreePort.pick());
             KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), FreePort.pick(), FreePort.pick());
             JedisPooled redis = new JedisPooled(java.net.URI.create(redisServer.uri()))) {
            redis.configSet("appendonly", opts.get("--aof"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                KafkaSetup.ensureTopics(admin, TopicLayout.local());
            }
            workerEnv.putAll(Map.of(CommonSettings.KAFKA_BOOTSTRAP.env(), broker.bootstrapServers(),
                    CommonSettings.REDIS_URI.env(), redisServer.uri(), CommonSettings.DATA_DIR.env(), dir.resolve("data").toString(),
                    WorkerSettings.WORKER_ID.env(), "perf-worker", WorkerSettings.SANDBOX.env(), "none",
                    WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS,
                    WorkerSettings.SLOTS.env(), opts.get("--slots"), WorkerSettings.BATCH.env(), opts.get("--batch")));
            try (WorkerProcess worker = WorkerProcess.start(workerEnv, dir, opts.get("--jfr"))) {
                String bootstrap = broker.bootstrapServers();
                say("worker ready: slots " + opts.get("--slots") + ", batch " + opts.get("--batch"));
                throughput(bootstrap, redis, worker, Integer.parseInt(opts.get("--warmup")), "warm-up");
                idle(worker, Integer.parseInt(opts.get("--idle")));
                throughput(bootstrap, redis, worker, Integer.parseInt(opts.get("--jobs")), "throughput");
                pickup(bootstrap, redis, worker, Integer.parseInt(opts.get("--rate")),
                        Integer.parseInt(opts.get("--seconds")));
                worker.metrics("kafka_share_consumer").forEach(line -> say("  " + line));
                say("redis commands (calls, µs per call):");
                for (String line : redis.info("commandstats").split("\r?\n")) {
                    if (line.startsWith("cmdstat_")) {
                        say("  " + line.replaceAll("cmdstat_(\\w+):calls=(\\d+),usec=\\d+,usec_per_call=([\\d.]+).*", "$1 $2 $3"));
                    }
                }
            }
        }
    }

    private static void throughput(String bootstrap, JedisPooled redis, WorkerProcess worker, int n, String label) {
        String load = load();
        long before = worker.completed();
        List<String> ids = ids(label, n);
        CpuTime cpu = CpuTime.now(worker.pid());
        long start = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 5)) {
            for (String id : ids) {
                send(producer, id);
            }
            producer.flush();
        }
        long published = System.currentTimeMillis();
        worker.awaitCompleted(before + n);
        String cpuUsed = CpuTime.now(worker.pid()).perThousandSince(cpu, n);
        Map<String, long[]> runs = read(redis, ids);
        long last = runs.values().stream().mapToLong(r -> r[1]).max().orElse(start);
        long badEpochs = runs.values().stream().filter(r -> r[2] != 1).count();
        double seconds = Math.max(1, last - start) / 1000.0;
        say(String.format("%s: %,d NOOP jobs, %,d COMPLETED (%d not at epoch 1), publish %.1f s, first publish -> "
                        + "last COMPLETED %.2f s = %,.0f jobs/s; load %s -> %s%n  %s", label, n, runs.size(), badEpochs,
                (published - start) / 1000.0, seconds, runs.size() / seconds, load, load(), cpuUsed));
    }

    /** Nothing published for {@code seconds}: what the processes and the share fetches cost at rest. */
    private static void idle(WorkerProcess worker, int seconds) {
        if (seconds <= 0) {
            return;
        }
        CpuTime cpu = CpuTime.now(worker.pid());
        List<String> before = worker.metrics("kafka_share_consumer_fetches_total");
        LockSupport.parkNanos(seconds * 1_000_000_000L);
        say("idle " + seconds + " s: " + CpuTime.now(worker.pid()).perThousandSince(cpu, 1000 * seconds)
                .replace("per 1,000 jobs", "per second") + "; fetches " + before + " -> "
                + worker.metrics("kafka_share_consumer_fetches_total"));
    }

    private static void pickup(String bootstrap, JedisPooled redis, WorkerProcess worker, int rate, int seconds) {
        String load = load();
        long before = worker.completed();
        int n = rate * seconds;
        List<String> ids = ids("pickup", n);
        CpuTime cpu = CpuTime.now(worker.pid());
        List<String> fetchesBefore = worker.metrics("kafka_share_consumer_fetches_total");
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 0)) {
            long interval = 1_000_000_000L / rate;
            long t0 = System.nanoTime() + 50_000_000L;
            for (int i = 0; i < n; i++) {
                long due = t0 + i * interval;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(Math.min(due - System.nanoTime(), 200_000));
                }
                send(producer, ids.get(i));
            }
            producer.flush();
        }
        worker.awaitCompleted(before + n);
        String cpuUsed = CpuTime.now(worker.pid()).perThousandSince(cpu, n) + "; fetches " + fetchesBefore + " -> "
                + worker.metrics("kafka_share_consumer_fetches_total");
        long[] latencies = read(redis, ids).values().stream().mapToLong(r -> r[0]).sorted().toArray();
        say(String.format("pickup at %,d/s for %d s: %,d started; created -> RUNNING p50 %d ms, p99 %d ms, "
                        + "p99.9 %d ms, max %d ms; load %s -> %s%n  %s", rate, seconds, latencies.length,
                pct(latencies, 50), pct(latencies, 99), pct(latencies, 99.9), latencies[latencies.length - 1],
                load, load(), cpuUsed));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                "enable.idempotence", true, "linger.ms", lingerMs, "batch.size", 64 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String runId) {
        JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, "perf-task", TENANT, JobType.NOOP, null, null,
                null, 0, 1, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, runId.getBytes(StandardCharsets.UTF_8), Json.write(job)));
    }

    private static List<String> ids(String label, int n) {
        String nonce = Long.toString(System.nanoTime(), 36);
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(label + "-" + nonce + "-" + i);
        }
        return ids;
    }

    /** COMPLETED runs by id: {executedAt - queuedAt, completedAt, epoch}. */
    private static Map<String, long[]> read(JedisPooled redis, List<String> ids) {
        TenantKeys keys = new TenantKeys(TENANT);
        Map<String, long[]> runs = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 1_000) {
            List<String> slice = ids.subList(from, Math.min(ids.size(), from + 1_000));
            List<Response<List<String>>> replies = new ArrayList<>();
            try (AbstractPipeline p = redis.pipelined()) {
                for (String id : slice) {
                    replies.add(p.hmget(keys.run(id), "status", "queuedAt", "executedAt", "completedAt", "epoch"));
                }
                p.sync();
            }
            for (int i = 0; i < slice.size(); i++) {
                List<String> r = replies.get(i).get();
                if ("COMPLETED".equals(r.get(0))) {
                    runs.put(slice.get(i), new long[] {Long.parseLong(r.get(2)) - Long.parseLong(r.get(1)),
                            Long.parseLong(r.get(3)), Long.parseLong(r.get(4))});
                }
            }
        }
        return runs;
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    static String load() {
        try {
            return Arrays.stream(Files.readString(Path.of("/proc/loadavg")).split(" ")).limit(3)
                    .reduce((a, b) -> a + " " + b).orElse("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
