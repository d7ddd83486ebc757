package io.trainyard.common.testing;

import io.trainyard.devtools.RedisCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real Redis Cluster (3 primaries, 3 replicas, plain TCP) per test JVM,
 * on free ports in a temp dir. Inject {@link RedisCluster} into a test or lifecycle method.
 */
public final class RealRedisCluster implements ParameterResolver {
    private static RedisCluster cluster;

    public static synchronized RedisCluster cluster() {
        if (cluster == null) {
            try {
                cluster = RedisCluster.start(Files.createTempDirectory("trainyard-redis-cluster-"), 3, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RedisCluster started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return cluster;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster();
    }
}
