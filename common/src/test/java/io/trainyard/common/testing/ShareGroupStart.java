package io.trainyard.common.testing;

import static org.awaitility.Awaitility.await;

import io.trainyard.common.kafka.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;

/**
 * Moves a share group's start past every record already in some topics, so that workers started
 * next take only what is published after this: a scenario or a benchmark workload that counts its
 * own jobs must not find its workers busy with records an earlier one left (released by workers
 * that stopped, or published while no worker ran). Kafka alters a share group's offsets only while
 * it has no member, so this waits until earlier workers have left the group (the broker expires a
 * killed one's membership within its session timeout).
 */
public final class ShareGroupStart {
    private static final long CALL_SECONDS = 30;

    private ShareGroupStart() {}

    /** {@link #skipToEnd} for the workers' group and every job topic (each with its priority twins). */
    public static long skipWorkerJobs(Admin admin, Duration atMost) {
        return skipToEnd(admin, Topics.WORKER_GROUP,
                Topics.withPriorities(List.of(Topics.SCRIPT_JOBS, Topics.TRAINING_JOBS)), atMost);
    }

    /**
     * Moves {@code group}'s start to the end of each existing partition of {@code topics}, waiting
     * up to {@code atMost} for the group to be empty.
     *
     * @return how many records lay between the group's start and the end (records already
     *     acknowledged past the start included): what the group skipped at most
     */
    public static long skipToEnd(Admin admin, String group, Collection<String> topics, Duration atMost) {
        try {
            Set<String> existing = admin.listTopics().names().get(CALL_SECONDS, TimeUnit.SECONDS);
            List<String> present = topics.stream().filter(existing::contains).toList();
            if (present.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(present).allTopicNames().get(CALL_SECONDS, TimeUnit.SECONDS).values()
                    .forEach(topic -> topic.partitions().forEach(p ->
                            latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(CALL_SECONDS, TimeUnit.SECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            long skipped = waiting(admin, group, ends);
            await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    admin.alterShareGroupOffsets(group, ends).all().get(CALL_SECONDS, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupIdNotFoundException) {
                        return true; // no group yet: it starts at the end of each topic
                    }
                    if (e.getCause() instanceof GroupNotEmptyException) {
                        return false;
                    }
                    throw e;
                }
            });
            return skipped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the offsets of share group " + group + " could not be moved", e);
        }
    }

    private static long waiting(Admin admin, String group, Map<TopicPartition, Long> ends)
            throws InterruptedException, TimeoutException {
        Map<TopicPartition, SharePartitionOffsetInfo> starts;
        try {
            starts = admin.listShareGroupOffsets(Map.of(group,
                            new ListShareGroupOffsetsSpec().topicPartitions(ends.keySet())))
                    .partitionsToOffsetInfo(group).get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return 0; // no group yet: nothing was left for it
        }
        long waiting = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            SharePartitionOffsetInfo start = starts.get(end.getKey());
            waiting += start == null ? 0 : Math.max(0, end.getValue() - start.startOffset());
        }
        return waiting;
    }
}
