package io.trainyard.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Trainyard's topics and configures the workers' share group. Idempotent: every service
 * runs it at start-up, so a fresh cluster needs no separate provisioning step.
 */
public final class KafkaSetup {
    private KafkaSetup() {}

    /** Topic layout: partitions for the job topics and the schedule topic. */
    public record Layout(int jobPartitions, int schedulePartitions, short replication) {
        public static Layout local() {
            return new Layout(1, 4, (short) 1);
        }
    }

    public static void ensureTopics(Admin admin, Layout layout) {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(Topics.SCRIPT_JOBS, layout.jobPartitions(), layout.replication()));
        topics.add(new NewTopic(Topics.TRAINING_JOBS, layout.jobPartitions(), layout.replication()));
        topics.add(new NewTopic(Topics.DLQ, 1, layout.replication()));
        topics.add(new NewTopic(Topics.SCHEDULES, layout.schedulePartitions(), layout.replication())
                .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0",
                        "segment.ms", "600000")));
        create(admin, topics);
    }

    static void create(Admin admin, Collection<NewTopic> topics) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list Kafka topics", e);
        }
        List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create Kafka topics " + missing, e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot create Kafka topics " + missing, e);
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
        try {
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot configure share group " + group, e);
        }
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }
}
