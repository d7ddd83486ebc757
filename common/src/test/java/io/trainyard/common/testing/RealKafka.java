package io.trainyard.common.testing;

import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.devtools.FreePort;
import io.trainyard.devtools.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real Kafka broker (KRaft, a child process, the same launcher as
 * {@code ./trainyard up}) per test JVM, on free ports in a temp dir, with Trainyard's topics.
 * Stopped when the test run ends. Inject {@link KafkaBroker} into a test or lifecycle method.
 */
public final class RealKafka implements ParameterResolver {
    private static KafkaBroker broker;

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            try {
                var dir = Files.createTempDirectory("trainyard-kafka-");
                broker = KafkaBroker.start(dir, FreePort.pick(), FreePort.pick());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (Admin admin = admin()) {
                KafkaSetup.ensureTopics(admin, TopicLayout.local());
            }
            KafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return broker;
    }

    /** Whether a test of this JVM started the broker already. */
    public static synchronized boolean started() {
        return broker != null;
    }

    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker().bootstrapServers()));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker();
    }
}
