package io.trainyard.common.testing;

import io.trainyard.devtools.RedisSentinels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real Sentinel set (a primary, 2 replicas, 3 redis-sentinels; plain TCP) per test JVM,
 * on free ports in a temp dir. Inject {@link RedisSentinels} into a test or lifecycle method.
 */
public final class RealRedisSentinels implements ParameterResolver {
    private static RedisSentinels sentinels;

    public static synchronized RedisSentinels sentinels() {
        if (sentinels == null) {
            try {
                sentinels = RedisSentinels.start(Files.createTempDirectory("trainyard-redis-sentinel-"), 2, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RedisSentinels started = sentinels;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return sentinels;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisSentinels.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return sentinels();
    }
}
