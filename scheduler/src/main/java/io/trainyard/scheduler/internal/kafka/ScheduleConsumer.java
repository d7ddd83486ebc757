package io.trainyard.scheduler.internal.kafka;

import io.trainyard.common.kafka.Topics;
import io.trainyard.scheduler.internal.timer.PartitionTimer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code trainyard.schedules} as a member of the scheduler group: the partitions the
 * group assigns here are the schedules this instance fires, and a rebalance is the fail-over. An
 * assigned partition is read from its beginning (the topic is compacted) before its timer starts;
 * a revoked or lost one is dropped at once. Offsets are never committed: every owner rebuilds.
 */
public final class ScheduleConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** While a partition loads, look at its position often: its schedules wait for the load to end. */
    private static final Duration LOADING_POLL = Duration.ofMillis(20);

    private final Consumer<String, byte[]> consumer;
    private final IntFunction<PartitionTimer> timers;
    private final Runnable onInvalid;
    private final Runnable onFatal;
    private final Map<Integer, PartitionLoad> loading = new HashMap<>();
    private final Map<Integer, PartitionTimer> live = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile int partitionsLoading;

    /**
     * @param consumer a consumer in {@link Topics#SCHEDULER_GROUP}, auto-commit off; used only by this object
     * @param timers makes the (not yet started) timer of a partition
     * @param onInvalid called for each record that cannot be read
     * @param onFatal called once if the consumer stops on an error (the process should restart)
     */
    public ScheduleConsumer(Consumer<String, byte[]> consumer, IntFunction<PartitionTimer> timers, Runnable onInvalid,
                            Runnable onFatal) {
        this.consumer = consumer;
        this.timers = timers;
        this.onInvalid = onInvalid;
        this.onFatal = onFatal;
        this.thread = Thread.ofPlatform().name("schedule-consumer").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    /** Joined the group, and every assigned partition is loaded and firing. */
    public boolean ready() {
        return running && assigned && partitionsLoading == 0;
    }

    public int partitionsOwned() {
        return live.size();
    }

    public int schedulesOwned() {
        return live.values().stream().mapToInt(PartitionTimer::size).sum();
    }

    /** The timer of a schedule this instance fires, if it owns that schedule's partition. */
    public Optional<PartitionTimer> timerOf(String key) {
        return live.values().stream().filter(t -> t.dueOf(key).isPresent()).findFirst();
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(Topics.SCHEDULES), new Rebalance());
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(loading.isEmpty() ? POLL : LOADING_POLL)) {
                    apply(record);
                }
                promoteLoaded();
            }
        } catch (WakeupException e) {
            // close() asked the loop to stop
        } catch (RuntimeException e) {
            LOG.error("the schedule consumer stopped; this instance fires nothing until restarted", e);
            onFatal.run();
        } finally {
            running = false;
            drop(List.copyOf(live.keySet()));
            loading.clear();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        var schedule = ScheduleRecords.read(record, onInvalid);
        PartitionLoad load = loading.get(record.partition());
        if (load != null) {
            schedule.ifPresentOrElse(s -> load.put(record.key(), s), () -> load.remove(record.key()));
            return;
        }
        PartitionTimer timer = live.get(record.partition());
        if (timer != null) {
            schedule.ifPresentOrElse(s -> timer.upsert(record.key(), s), () -> timer.remove(record.key()));
        }
    }

    private void promoteLoaded() {
        for (var it = loading.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            TopicPartition tp = new TopicPartition(Topics.SCHEDULES, entry.getKey());
            if (consumer.position(tp) < entry.getValue().endOffset()) {
                continue;
            }
            PartitionTimer timer = timers.apply(entry.getKey());
            entry.getValue().schedules().forEach(timer::upsert);
            timer.start();
            live.put(entry.getKey(), timer);
            it.remove();
            LOG.info("partition {} loaded: {} schedule(s)", entry.getKey(), entry.getValue().schedules().size());
        }
        partitionsLoading = loading.size();
    }

    private void drop(Collection<Integer> partitions) {
        for (Integer partition : partitions) {
            loading.remove(partition);
            PartitionTimer timer = live.remove(partition);
            if (timer != null) {
                timer.close();
            }
        }
        partitionsLoading = loading.size();
    }

    /** Runs on the poll thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = true;
            if (partitions.isEmpty()) {
                return;
            }
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                loading.put(tp.partition(), new PartitionLoad(ends.getOrDefault(tp, 0L)));
            }
            partitionsLoading = loading.size();
            LOG.info("assigned {}", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("revoked {}", partitions);
                drop(partitions.stream().map(TopicPartition::partition).toList());
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            LOG.warn("lost {}", partitions);
            drop(partitions.stream().map(TopicPartition::partition).toList());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(40));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
