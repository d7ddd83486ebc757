package io.trainyard.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.devtools.KafkaCluster;
import io.trainyard.common.testing.RealKafkaCluster;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The three-node local cluster: Trainyard's and Kafka's own topics on all three nodes, and a node's loss survived. */
@ExtendWith(RealKafkaCluster.class)
class KafkaClusterIT {
    private static final List<String> TOPICS = List.of(Topics.SCRIPT_JOBS, Topics.TRAINING_JOBS, Topics.DLQ,
            Topics.SCHEDULES);

    @Test
    void everyTopicHasThreeReplicasAndALeaderMovesWhenItsNodeDies(KafkaCluster cluster) {
        assertThat(cluster.partitions(TOPICS).values()).allSatisfy(partitions ->
                assertThat(partitions).extracting(p -> p.replicas().size()).containsOnly(3));

        int leader = cluster.leaderOf(Topics.SCRIPT_JOBS, 0);
        cluster.node(leader).kill();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> cluster.leaderOf(Topics.SCRIPT_JOBS, 0) != leader);
            TopicPartitionInfo moved = cluster.partitions(List.of(Topics.SCRIPT_JOBS)).get(Topics.SCRIPT_JOBS).get(0);
            assertThat(moved.isr()).extracting(n -> n.id()).doesNotContain(leader).hasSize(2);
        } finally {
            cluster.node(leader).start();
        }
        cluster.awaitInSync(TOPICS, Duration.ofSeconds(60));
    }
}
