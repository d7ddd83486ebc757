package io.trainyard.bench;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.testing.ShareGroupStart;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.KafkaBroker;
import io.trainyard.devtools.RedisServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import redis.clients.jedis.JedisPooled;

/**
 * The benchmark's own infrastructure: a Kafka broker (KRaft) and a redis-server (AOF, as every
 * deployment runs it) on free ports, with their data in a temporary directory that is never
 * the developer's {@code .trainyard}.
 */
final class BenchCluster implements AutoCloseable {
    final Path dir;
    final KafkaBroker kafka;
    final RedisServer redis;
    final JedisPooled jedis;
    final Admin admin;

    private BenchCluster(Path dir, KafkaBroker kafka, RedisServer redis) {
        this.dir = dir;
        this.kafka = kafka;
        this.redis = redis;
        // 30 s rather than Jedis's 2 s: with a million schedules' runs written, an AOF rewrite on a
        // busy box can stall redis-server for seconds, and the benchmark's reads should wait it out.
        this.jedis = new JedisPooled(URI.create(redis.uri()), 30_000);
        this.admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    static BenchCluster start(Path dir) {
        RedisServer redis = RedisServer.start(dir.resolve("redis"), FreePort.pick());
        KafkaBroker kafka;
        try {
            kafka = KafkaBroker.start(dir.resolve("kafka"), FreePort.pick(), FreePort.pick());
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        return new BenchCluster(dir, kafka, redis);
    }

    /**
     * Moves the worker group past the jobs earlier workloads left on the job topics (the http
     * workload's submits, which no worker ran), so that a workload timing its own jobs does not
     * queue them behind those; how many records it skipped at most.
     */
    long skipQueuedJobs() {
        return ShareGroupStart.skipWorkerJobs(admin, Duration.ofSeconds(60));
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    String redisUri() {
        return redis.uri();
    }

    /** The settings every service reads, pointing at this cluster. */
    Map<String, String> serviceEnv() {
        return Map.of(CommonSettings.KAFKA_BOOTSTRAP.env(), bootstrap(), CommonSettings.REDIS_URI.env(), redisUri(),
                CommonSettings.DATA_DIR.env(), dir.resolve("data").toString());
    }

    void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    long brokerRss() {
        return ProcessMemory.childPid("kafka.Kafka").map(ProcessMemory::rssBytes).orElse(-1L);
    }

    long redisRss() {
        return ProcessMemory.childPid("redis-server").map(ProcessMemory::rssBytes).orElse(-1L);
    }

    /** Redis's own count of bytes in use ({@code INFO memory used_memory}). */
    long redisUsedMemory() {
        for (String line : jedis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        return -1;
    }

    /** Forks redis-server made so far (AOF rewrites; {@code INFO stats total_forks}). */
    long redisForks() {
        return infoNumber("stats", "total_forks");
    }

    /** Waits (up to a minute) until redis-server has no AOF rewrite running. */
    void awaitNoAofRewrite() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (infoNumber("persistence", "aof_rewrite_in_progress") == 1 && System.nanoTime() < deadline) {
            Pause.millis(200);
        }
    }

    private long infoNumber(String section, String field) {
        for (String line : jedis.info(section).split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        return -1;
    }

    /** Commands Redis has executed so far, by name ({@code INFO commandstats}; commands run by scripts count too). */
    Map<String, Long> redisCommandCalls() {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : jedis.info("commandstats").split("\r?\n")) {
            // cmdstat_hset:calls=12,usec=34,usec_per_call=2.83,...
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String rest = line.substring(line.indexOf("calls=") + "calls=".length());
                calls.put(name, Long.parseLong(rest.substring(0, rest.indexOf(','))));
            }
        }
        return calls;
    }

    @Override
    public void close() {
        admin.close();
        jedis.close();
        kafka.close();
        redis.close();
    }
}
