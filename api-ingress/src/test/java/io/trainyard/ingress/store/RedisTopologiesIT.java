package io.trainyard.ingress.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.store.*;
import io.trainyard.common.testing.RealRedisCluster;
import io.trainyard.common.testing.RealRedisSentinels;
import io.trainyard.devtools.RedisCluster;
import io.trainyard.devtools.RedisNode;
import io.trainyard.devtools.RedisSentinels;
import io.trainyard.ingress.TaskStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * The task store on a real Redis Cluster (3 primaries, 3 replicas) and a real Sentinel set:
 * tenants spread over every primary, their scripts, transactions and the cancel channel work, and
 * a submit can wait for a replica (the latency that costs is printed).
 */
@ExtendWith({RealRedisCluster.class, RealRedisSentinels.class})
class RedisTopologiesIT {
    static UnifiedJedis open(String uri) {
        return RedisPools.open(ConfigTable.load(CommonSettings.REDIS, Map.of(CommonSettings.REDIS_URI.env(), uri)), 8);
    }

    @Test
    void tenantsOnEveryPrimaryKeepTheirTasksOnTheCluster(RedisCluster cluster) {
        try (UnifiedJedis redis = open(cluster.uri())) {
            TaskStore store = new TaskStore(redis);
            Set<Integer> primaries = new HashSet<>();
            for (int t = 0; t < 24; t++) {
                String tenant = "spread-" + t;
                primaries.add(cluster.primaryOf(new TenantKeys(tenant).names()).port());
                assertThat(store.submit(tenant, "nightly", t, task("task-" + t), run("run-" + t, "task-" + t)).created())
                        .isTrue();
                assertThat(store.submit(tenant, "nightly", t, task("other-" + t), null).holderTaskId())
                        .isEqualTo("task-" + t);
                store.addRun(tenant, "task-" + t, run("rerun-" + t, "task-" + t));
                assertThat(store.runIds(tenant, "task-" + t)).containsExactly("run-" + t, "rerun-" + t);
                assertThat(store.cancelRun(tenant, "rerun-" + t, 1L)).contains("CANCELLED");
                assertThat(store.taskIds(tenant, 0, 10)).containsExactly("task-" + t);
            }
            assertThat(primaries).as("the tenants' slots lie on every primary").hasSize(3);
        }
    }

    @Test
    void theCancelChannelReachesASubscriberOfTheCluster(RedisCluster cluster) throws Exception {
        try (UnifiedJedis subscriber = open(cluster.uri()); UnifiedJedis publisher = open(cluster.uri())) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    received.add(message);
                }
            };
            Thread listening = Thread.ofVirtual().start(() -> subscriber.subscribe(listener, TenantKeys.CANCEL_CHANNEL));
            await().atMost(Duration.ofSeconds(10)).until(listener::isSubscribed);
            TaskStore store = new TaskStore(publisher);
            for (int t = 0; t < 6; t++) {
                String tenant = "cancel-" + t;
                store.submit(tenant, "job", 1, task("c-" + t), run("cr-" + t, "c-" + t));
                store.cancelRun(tenant, "cr-" + t, 1L);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(tenant + "/cr-" + t);
            }
            listener.unsubscribe();
            listening.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void aSubmitWithoutARunOrResourceStaysInItsSlot(RedisCluster cluster) {
        try (UnifiedJedis redis = open(cluster.uri())) {
            TaskStore store = new TaskStore(redis, new ReplicaWait(1, 1_000));
            assertThat(store.submit("held", "later", 1, task("held-1"), null).created()).isTrue();
            assertThat(store.runIds("held", "held-1")).isEmpty();
        }
    }

    @Test
    void aSubmitWaitsForItsReplicaOnTheCluster(RedisCluster cluster) {
        try (UnifiedJedis redis = open(cluster.uri())) {
            measureWait("cluster", redis);
        }
    }

    @Test
    void aSubmitWaitsForItsReplicaUnderSentinel(RedisSentinels sentinels) {
        try (UnifiedJedis redis = open(sentinels.uri())) {
            measureWait("sentinel", redis);
        }
    }

    @Test
    void aSubmitShortOfReplicasIsUndoneAndItsNameFreed(RedisCluster cluster) {
        try (UnifiedJedis redis = open(cluster.uri())) {
            TaskStore twoReplicas = new TaskStore(redis, new ReplicaWait(2, 200));
            assertThatThrownBy(() -> twoReplicas.submit("short", "job", 1, task("short-1"), run("short-r", "short-1")))
                    .isInstanceOf(ReplicaWait.ShortOfReplicas.class)
                    .hasMessageContaining("1 of 2 Redis replicas confirmed");
            TaskStore store = new TaskStore(redis);
            assertThat(store.task("short", "short-1")).isEmpty();
            assertThat(store.run("short", "short-r")).get().extracting(r -> r.get("status")).isEqualTo("CANCELLED");
            assertThat(store.submit("short", "job", 2, task("short-2"), null).created()).isTrue();
        }
    }

    @Test
    void theSentinelClientFindsThePrimary(RedisSentinels sentinels) {
        RedisNode primary = sentinels.primary();
        try (UnifiedJedis redis = open(sentinels.uri())) {
            redis.set("ty:{probe}:x", "1");
            assertThat(redis.info("server")).contains("tcp_port:" + primary.port());
        }
    }

    /**
     * Times submits without and with WAIT 1, alternating (so both meet the same load), after a
     * warm-up of both paths; prints the figures.
     */
    private static void measureWait(String topology, UnifiedJedis redis) {
        int n = 400;
        TaskStore plain = new TaskStore(redis);
        TaskStore waited = new TaskStore(redis, new ReplicaWait(1, 1_000));
        for (int i = 0; i < 200; i++) {
            submit(plain, topology + "-warm", "p" + i);
            submit(waited, topology + "-warm", "w" + i);
        }
        long[] plainNanos = new long[n];
        long[] waitedNanos = new long[n];
        for (int i = 0; i < n; i++) {
            plainNanos[i] = submit(plain, topology + "-plain", "t" + i);
            waitedNanos[i] = submit(waited, topology + "-wait", "t" + i);
        }
        Arrays.sort(plainNanos);
        Arrays.sort(waitedNanos);
        System.out.printf("redis %s submit latency, %d sequential submits each: no WAIT p50 %d us p99 %d us;"
                        + " WAIT 1 replica p50 %d us p99 %d us%n",
                topology, n, plainNanos[n / 2] / 1000, plainNanos[n * 99 / 100] / 1000, waitedNanos[n / 2] / 1000,
                waitedNanos[n * 99 / 100] / 1000);
        assertThat(waitedNanos[n / 2]).isPositive();
    }

    private static long submit(TaskStore store, String tenant, String name) {
        long start = System.nanoTime();
        assertThat(store.submit(tenant, name, 1, task(tenant + name), run(tenant + "r" + name, tenant + name)).created())
                .isTrue();
        return System.nanoTime() - start;
    }

    static Map<String, String> task(String id) {
        Map<String, String> task = new LinkedHashMap<>();
        task.put("id", id);
        task.put("name", "n");
        return task;
    }

    static Map<String, String> run(String id, String taskId) {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("id", id);
        run.put("tasksID", taskId);
        run.put("status", "QUEUED");
        return run;
    }
}
