package io.trainyard.common.kafka;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How Trainyard's topics are laid out: partitions of the job topics and of the schedules topic,
 * replicas of every topic, and the replicas that must hold a record before it is acknowledged.
 * The dead-letter topic always has one partition (its order is the order of failures).
 */
public record TopicLayout(int jobPartitions, int schedulePartitions, short replication, int minInsyncReplicas) {
    public TopicLayout {
        if (jobPartitions < 1 || schedulePartitions < 1 || replication < 1 || minInsyncReplicas < 1) {
            throw new IllegalArgumentException("partitions and replicas must be at least 1");
        }
        if (minInsyncReplicas > replication) {
            throw new IllegalArgumentException(CommonSettings.KAFKA_MIN_INSYNC_REPLICAS.env() + " (" + minInsyncReplicas
                    + ") exceeds " + CommonSettings.KAFKA_REPLICATION_FACTOR.env() + " (" + replication + ")");
        }
    }

    /** One local broker: no replication. */
    public static TopicLayout local() {
        return new TopicLayout(1, 4, (short) 1, 1);
    }

    /** Three brokers: every topic on all three, two of them holding a record before it is acknowledged. */
    public static TopicLayout replicated() {
        return new TopicLayout(1, 4, (short) 3, 2);
    }

    public static TopicLayout of(ConfigTable config) {
        return new TopicLayout(config.get(CommonSettings.KAFKA_JOB_PARTITIONS),
                config.get(CommonSettings.KAFKA_SCHEDULE_PARTITIONS),
                config.get(CommonSettings.KAFKA_REPLICATION_FACTOR).shortValue(),
                config.get(CommonSettings.KAFKA_MIN_INSYNC_REPLICAS));
    }

    /** Each topic with the partitions it gets, in creation order. */
    Map<String, Integer> partitions() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String jobs : Topics.withPriorities(List.of(Topics.SCRIPT_JOBS, Topics.TRAINING_JOBS))) {
            topics.put(jobs, jobPartitions);
        }
        topics.put(Topics.DLQ, 1);
        topics.put(Topics.SCHEDULES, schedulePartitions);
        return topics;
    }

    /** The setting that sets {@code topic}'s partitions, for messages. */
    static String partitionSetting(String topic) {
        return switch (topic) {
            case Topics.SCHEDULES -> CommonSettings.KAFKA_SCHEDULE_PARTITIONS.env();
            case Topics.DLQ -> "(always 1)";
            default -> CommonSettings.KAFKA_JOB_PARTITIONS.env();
        };
    }
}
