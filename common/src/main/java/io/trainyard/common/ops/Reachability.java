package io.trainyard.common.ops;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import redis.clients.jedis.UnifiedJedis;

/** Whether Kafka and Redis answer right now, each asked the cheapest way it can be. */
final class Reachability {
    /** Below the 3 s timeout of the deployments' readiness probes. */
    public static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(2);

    private Reachability() {}

    /** Kafka answers when the cluster describes itself within {@code timeout}. */
    public static BooleanSupplier kafka(Admin admin, Duration timeout) {
        int millis = (int) timeout.toMillis();
        return () -> {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                        .clusterId().get(millis, TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                return false;
            }
        };
    }

    /** Redis answers PING (within the client's socket timeout). */
    public static BooleanSupplier redis(UnifiedJedis redis) {
        return () -> {
            try {
                return "PONG".equals(redis.ping());
            } catch (RuntimeException e) {
                return false;
            }
        };
    }
}
