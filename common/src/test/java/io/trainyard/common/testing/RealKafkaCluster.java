package io.trainyard.common.testing;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.devtools.KafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real three-node Kafka cluster (KRaft, each node a child process from the
 * same jars as {@code ./trainyard up --brokers 3}, on free ports with its own log dir) per test
 * JVM, with Trainyard's topics on all three nodes ({@link TopicLayout#replicated()}). Tests may
 * kill and restart its nodes. Inject {@link KafkaCluster} into a test or lifecycle method.
 */
public final class RealKafkaCluster implements ParameterResolver {
    public static final int BROKERS = 3;
    /** Three brokers beside the services and workers of a test: a smaller heap than a lone broker's. */
    private static final String HEAP = "384m";
    private static KafkaCluster cluster;

    public static synchronized KafkaCluster cluster() {
        if (cluster == null) {
            try {
                cluster = KafkaCluster.start(Files.createTempDirectory("trainyard-kafka-cluster-"), BROKERS, HEAP);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            KafkaCluster started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            try (Admin admin = cluster.admin()) {
                KafkaSetup.ensureTopics(admin, TopicLayout.replicated());
            }
        }
        return cluster;
    }

    /** The Kafka settings of a service on this cluster: every broker to bootstrap from, and the replicated layout. */
    public static Map<String, String> serviceSettings() {
        TopicLayout layout = TopicLayout.replicated();
        return Map.of(CommonSettings.KAFKA_BOOTSTRAP.env(), cluster().bootstrapServers(),
                CommonSettings.KAFKA_REPLICATION_FACTOR.env(), Short.toString(layout.replication()),
                CommonSettings.KAFKA_MIN_INSYNC_REPLICAS.env(), Integer.toString(layout.minInsyncReplicas()));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster();
    }
}
