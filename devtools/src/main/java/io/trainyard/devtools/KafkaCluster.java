package io.trainyard.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A local KRaft cluster of {@code size} nodes, each broker and controller in one process run from
 * the same Maven-resolved jars as {@link KafkaBroker}, on ports of its own with a log dir of its
 * own, the controllers forming a static quorum. Internal topics (consumer offsets, the share
 * coordinator's state) get min(size, 3) replicas. Used by {@code ./trainyard up --brokers 3} and
 * by the multi-broker test fixture, which kills and restarts nodes.
 */
public final class KafkaCluster implements AutoCloseable {
    private final List<KafkaBroker> nodes;

    private KafkaCluster(List<KafkaBroker> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Formats and starts {@code size} nodes on free ports under {@code dir}; returns once all are registered. */
    public static KafkaCluster start(Path dir, int size, String heap) {
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new int[] {FreePort.pick(), FreePort.pick()});
        }
        KafkaCluster cluster = new KafkaCluster(nodes(dir, ports, heap));
        cluster.nodes.forEach(KafkaBroker::formatIfNew);
        // A node answers only once a quorum of controllers runs: launch all, then wait for each.
        cluster.nodes.forEach(KafkaBroker::launch);
        try {
            cluster.nodes.forEach(KafkaBroker::awaitAnswer);
            cluster.awaitBrokers(size, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * The nodes as processes for a {@link Supervisor} to start as one group: node i (from 1) has
     * its client listener on {@code firstPort + 2(i-1)} and its controller on
     * {@code firstControllerPort + 2(i-1)}, so the defaults 9092 and 9093 interleave.
     */
    public static List<ServiceDefinition> supervised(Path dir, int size, int firstPort, int firstControllerPort) {
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new int[] {firstPort + 2 * i, firstControllerPort + 2 * i});
        }
        List<ServiceDefinition> definitions = new ArrayList<>();
        for (KafkaBroker node : nodes(dir, ports, KafkaBroker.defaultHeap())) {
            definitions.add(node.supervised("kafka-" + node.nodeId()));
        }
        return definitions;
    }

    private static List<KafkaBroker> nodes(Path dir, List<int[]> ports, String heap) {
        String voters = "";
        for (int i = 0; i < ports.size(); i++) {
            voters += (i == 0 ? "" : ",") + (i + 1) + "@127.0.0.1:" + ports.get(i)[1];
        }
        String clusterId = clusterId(dir);
        int replication = Math.min(3, ports.size());
        List<KafkaBroker> nodes = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            BrokerConfig config = new BrokerConfig(i + 1, dir.resolve("node-" + (i + 1)), ports.get(i)[0],
                    ports.get(i)[1], voters, replication, Map.of());
            nodes.add(new KafkaBroker(config, clusterId, heap));
        }
        return nodes;
    }

    /** Every node is formatted with the same id, kept beside them so that a restart reuses it. */
    private static String clusterId(Path dir) {
        Path file = dir.resolve("cluster.id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(dir);
            String id = Uuid.randomUuid().toString();
            Files.writeString(file, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return nodes.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    public List<KafkaBroker> nodes() {
        return nodes;
    }

    /** The node with {@code id} (from 1). */
    public KafkaBroker node(int id) {
        return nodes.stream().filter(n -> n.nodeId() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id));
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** The node leading {@code topic}'s partition {@code partition}. */
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            return describe(admin, List.of(topic)).get(topic).partitions().get(partition).leader().id();
        }
    }

    /** The node whose share coordinator holds {@code group}. */
    public int shareCoordinatorOf(String group) {
        try (Admin admin = admin()) {
            return get(admin.describeShareGroups(List.of(group)).describedGroups().get(group)).coordinator().id();
        }
    }

    /**
     * Makes {@code node} the leader of {@code topic}'s partition {@code partition}: its replicas
     * reordered with {@code node} first (the preferred leader), then a preferred-leader election.
     */
    public void moveLeader(String topic, int partition, int node, Duration atMost) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try (Admin admin = admin()) {
            List<Integer> replicas = new ArrayList<>(List.of(node));
            describe(admin, List.of(topic)).get(topic).partitions().get(partition).replicas().stream()
                    .map(n -> n.id()).filter(id -> id != node).forEach(replicas::add);
            get(admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(replicas))))
                    .all());
            awaitTrue(atMost, "leader " + node + " of " + tp, () -> {
                get(admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all());
                return describe(admin, List.of(topic)).get(topic).partitions().get(partition).leader().id() == node;
            });
        }
    }

    /** Waits until {@code count} brokers are registered and unfenced. */
    public void awaitBrokers(int count, Duration atMost) {
        awaitTrue(atMost, "%d brokers".formatted(count), () -> {
            try (Admin admin = admin()) {
                return get(admin.describeCluster().nodes()).size() >= count;
            }
        });
    }

    /** Waits until every partition of {@code topics} has all its replicas in sync: a restarted node has caught up. */
    public void awaitInSync(Collection<String> topics, Duration atMost) {
        awaitTrue(atMost, "all replicas of " + topics + " in sync", () -> {
            try (Admin admin = admin()) {
                return describe(admin, topics).values().stream().flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.isr().size() == p.replicas().size());
            }
        });
    }

    /** The partitions of {@code topics}, as Kafka describes them. */
    public Map<String, List<TopicPartitionInfo>> partitions(Collection<String> topics) {
        try (Admin admin = admin()) {
            return describe(admin, topics).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions()));
        }
    }

    private static Map<String, TopicDescription> describe(Admin admin, Collection<String> topics) {
        return get(admin.describeTopics(topics).allTopicNames());
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }

    private static void awaitTrue(Duration atMost, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // Not yet: a node is still starting or a leader moving.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Kafka cluster did not reach " + what + " within " + atMost);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(KafkaBroker::close);
    }
}
