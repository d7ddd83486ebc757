package io.trainyard.ingress;

import io.trainyard.ingress.internal.submit.TopicProvisioner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import redis.clients.jedis.UnifiedJedis;

/** Whether the ingress can do its work right now: Kafka reachable with topics, Redis answering. */
final class Readiness implements Supplier<Map<String, Boolean>> {
    private static final int TIMEOUT_MS = 2_000;

    private final Admin admin;
    private final UnifiedJedis redis;
    private final TopicProvisioner topics;

    Readiness(Admin admin, UnifiedJedis redis, TopicProvisioner topics) {
        this.admin = admin;
        this.redis = redis;
        this.topics = topics;
    }

    @Override
    public Map<String, Boolean> get() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("kafka", topics.done() && kafka());
        checks.put("redis", redis());
        return checks;
    }

    private boolean kafka() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean redis() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
