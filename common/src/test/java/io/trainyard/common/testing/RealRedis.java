package io.trainyard.common.testing;

import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import redis.clients.jedis.JedisPooled;

/**
 * JUnit 5 extension: one real {@code redis-server} (AOF on) per test JVM, on a free port in a temp
 * dir, so tests can kill and restart it without touching any other Redis on the machine.
 * Inject {@link RedisServer} into a test or lifecycle method.
 */
public final class RealRedis implements ParameterResolver {
    private static RedisServer server;

    public static synchronized RedisServer server() {
        if (server == null) {
            try {
                server = RedisServer.start(Files.createTempDirectory("trainyard-redis-"), FreePort.pick());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RedisServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server;
    }

    public static JedisPooled client() {
        return new JedisPooled("127.0.0.1", server().port());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server();
    }
}
