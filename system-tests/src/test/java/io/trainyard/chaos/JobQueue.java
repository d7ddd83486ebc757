package io.trainyard.chaos;

import static org.awaitility.Awaitility.await;

import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where a run's job record is on the jobs topics, and whether the worker pool's share group has
 * taken it off the queue (its partition's start offset moved past it): how a test knows a worker
 * saw a cancelled job without looking at the worker.
 */
final class JobQueue {
    /** A job record's place. */
    record Place(TopicPartition partition, long offset) {}

    private JobQueue() {}

    static Place find(String runId) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", RealKafka.broker().bootstrapServers(), "enable.auto.commit", "false"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.SCRIPT_JOBS, Topics.TRAINING_JOBS)) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Place[] found = new Place[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (runId.equals(record.key())) {
                        found[0] = new Place(new TopicPartition(record.topic(), record.partition()), record.offset());
                    }
                }
                return found[0] != null;
            });
            return found[0];
        }
    }

    /** Waits (bounded) until the worker pool acknowledged {@code runId}'s job record. */
    static void awaitTaken(String runId, Duration atMost) {
        Place place = find(runId);
        try (Admin admin = RealKafka.admin()) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(Map.of(
                        Topics.WORKER_GROUP, new ListShareGroupOffsetsSpec().topicPartitions(List.of(place.partition()))))
                        .partitionsToOffsetInfo(Topics.WORKER_GROUP).get(10, TimeUnit.SECONDS);
                SharePartitionOffsetInfo info = offsets.get(place.partition());
                // The start offset moves only when the group's state is written; a lag of 0 says at
                // once that nothing of the partition is waiting.
                return info != null && (info.startOffset() > place.offset() || info.lag().orElse(1L) == 0);
            });
        }
    }
}
