package io.trainyard.common.ops;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import redis.clients.jedis.UnifiedJedis;

/**
 * What {@code /health/ready} reports: named checks, in order, each true when that part can do
 * its work. The service is ready when all are. Immutable; {@link #with} gives a new set.
 */
public final class ReadinessChecks implements Supplier<Map<String, Boolean>> {
    /** How long an answer from Kafka or Redis is reused. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(2);

    private final Map<String, BooleanSupplier> checks;

    private ReadinessChecks(Map<String, BooleanSupplier> checks) {
        this.checks = Collections.unmodifiableMap(checks);
    }

    public static ReadinessChecks none() {
        return new ReadinessChecks(new LinkedHashMap<>());
    }

    /** "kafka" and "redis": each answer reused for {@link #DEFAULT_MAX_AGE}. */
    public static ReadinessChecks dependencies(Admin admin, UnifiedJedis redis, InstantSource clock) {
        return none()
                .with("kafka", new CachedCheck(Reachability.kafka(admin, Reachability.KAFKA_TIMEOUT),
                        DEFAULT_MAX_AGE, clock))
                .with("redis", new CachedCheck(Reachability.redis(redis), DEFAULT_MAX_AGE, clock));
    }

    /** These checks and {@code check} under {@code name}. */
    public ReadinessChecks with(String name, BooleanSupplier check) {
        if (checks.containsKey(name)) {
            throw new IllegalArgumentException("a check named " + name + " exists already");
        }
        Map<String, BooleanSupplier> more = new LinkedHashMap<>(checks);
        more.put(name, check);
        return new ReadinessChecks(more);
    }

    @Override
    public Map<String, Boolean> get() {
        Map<String, Boolean> results = new LinkedHashMap<>();
        checks.forEach((name, check) -> results.put(name, check.getAsBoolean()));
        return results;
    }

    public boolean ready() {
        return checks.values().stream().allMatch(BooleanSupplier::getAsBoolean);
    }
}
