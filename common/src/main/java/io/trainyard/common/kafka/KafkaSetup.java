package io.trainyard.common.kafka;

import io.trainyard.common.config.CommonSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Trainyard's topics, checks them against the configured {@link TopicLayout}, and
 * configures the workers' share group. Idempotent: every service runs it at start-up, so a fresh
 * cluster needs no separate provisioning step, and a service refuses to start
 * ({@link KafkaMisconfiguredException}) on topics with fewer partitions or replicas than configured.
 */
public final class KafkaSetup {
    private static final long TIMEOUT_SECONDS = 30;

    private KafkaSetup() {}

    public static void ensureTopics(Admin admin, TopicLayout layout) {
        Set<String> existing = get(admin.listTopics().names(), "list Kafka topics");
        List<NewTopic> missing = new ArrayList<>();
        layout.partitions().forEach((topic, partitions) -> {
            if (!existing.contains(topic)) {
                missing.add(newTopic(topic, partitions, layout));
            }
        });
        if (!missing.isEmpty()) {
            int brokers = get(admin.describeCluster().nodes(), "describe the Kafka cluster").size();
            if (layout.replication() > brokers) {
                throw KafkaMisconfiguredException.layout(CommonSettings.KAFKA_REPLICATION_FACTOR.env() + " is "
                        + layout.replication() + " but the cluster has " + brokers + " live broker(s), so topics "
                        + missing.stream().map(NewTopic::name).toList() + " cannot be created");
            }
            create(admin, missing);
        }
        check(describe(admin, layout.partitions().keySet()), layout);
    }

    /**
     * The topics' descriptions. A topic created a moment ago may not be in every broker's metadata
     * yet (UnknownTopicOrPartition, a retriable error): asked again until the timeout.
     */
    private static Map<String, TopicDescription> describe(Admin admin, Set<String> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw failure("describe Trainyard's topics", e.getCause());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("describe Trainyard's topics", e);
            }
            try {
                Thread.sleep(100); // the metadata of a new topic reaches every broker within moments
            } catch (InterruptedException e) {
                throw failure("describe Trainyard's topics", e);
            }
        }
    }

    private static NewTopic newTopic(String topic, int partitions, TopicLayout layout) {
        NewTopic created = new NewTopic(topic, partitions, layout.replication());
        Map<String, String> configs = new java.util.HashMap<>(
                Map.of("min.insync.replicas", Integer.toString(layout.minInsyncReplicas())));
        if (topic.equals(Topics.SCHEDULES)) {
            configs.putAll(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0", "segment.ms", "600000"));
        }
        return created.configs(configs);
    }

    /** Every topic with fewer partitions or replicas than configured, named in one message. */
    static void check(Map<String, TopicDescription> topics, TopicLayout layout) {
        StringJoiner problems = new StringJoiner("; ");
        layout.partitions().forEach((name, partitions) -> {
            TopicDescription topic = topics.get(name);
            if (topic.partitions().size() < partitions) {
                problems.add("topic " + name + " has " + topic.partitions().size() + " partition(s), "
                        + TopicLayout.partitionSetting(name) + " asks for " + partitions
                        + " (add partitions with kafka-topics.sh --alter, or lower the setting)");
            }
            int replicas = topic.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            if (replicas < layout.replication()) {
                problems.add("topic " + name + " has " + replicas + " replica(s), "
                        + CommonSettings.KAFKA_REPLICATION_FACTOR.env() + " asks for " + layout.replication()
                        + " (reassign its partitions with kafka-reassign-partitions.sh, or lower the setting)");
            }
        });
        if (problems.length() > 0) {
            throw KafkaMisconfiguredException.layout(problems.toString());
        }
    }

    static void create(Admin admin, Collection<NewTopic> topics) {
        try {
            admin.createTopics(topics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw failure("create Kafka topics " + topics.stream().map(NewTopic::name).toList(), e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw failure("create Kafka topics " + topics.stream().map(NewTopic::name).toList(), e);
        }
    }

    /**
     * Configures a share group: read from the earliest offset (so jobs published before the first
     * worker joined still run), allow RENEW acknowledgements for long runs, and stop redelivering a
     * record after {@code deliveryLimit} deliveries (the broker then archives it).
     */
    public static void configureShareGroup(Admin admin, String group, int deliveryLimit, int lockMillis) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> ops = List.of(
                set("share.auto.offset.reset", "earliest"),
                set("share.renew.acknowledge.enable", "true"),
                set("share.delivery.count.limit", Integer.toString(deliveryLimit)),
                set("share.record.lock.duration.ms", Integer.toString(lockMillis)));
        get(admin.incrementalAlterConfigs(Map.of(resource, ops)).all(), "configure share group " + group);
    }

    private static <T> T get(KafkaFuture<T> future, String doing) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw failure(doing, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw failure(doing, e);
        }
    }

    /** Refused credentials or permissions are permanent; anything else may pass (Kafka still starting). */
    private static RuntimeException failure(String doing, Throwable cause) {
        if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
            return KafkaMisconfiguredException.refused(doing, cause);
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException("cannot " + doing, cause);
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }
}
