package io.trainyard.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.testing.RealKafka;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The start-up check of Trainyard's topics against the configured layout, on one real broker. */
@ExtendWith(RealKafka.class)
class TopicLayoutIT {
    @Test
    void topicsLaidOutAsConfiguredPassAndCarryMinInsyncReplicas() throws Exception {
        try (Admin admin = RealKafka.admin()) {
            assertThatCode(() -> KafkaSetup.ensureTopics(admin, TopicLayout.local())).doesNotThrowAnyException();

            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SCRIPT_JOBS);
            String minIsr = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get("min.insync.replicas").value();
            assertThat(minIsr).isEqualTo("1");
        }
    }

    @Test
    void fewerPartitionsOrReplicasThanConfiguredAreRefusedWithEveryTopicNamed() {
        try (Admin admin = RealKafka.admin()) {
            assertThatThrownBy(() -> KafkaSetup.ensureTopics(admin, new TopicLayout(4, 4, (short) 3, 2)))
                    .isInstanceOf(KafkaMisconfiguredException.class)
                    .hasMessageContaining("topic trainyard.jobs.script has 1 partition(s), "
                            + "TRAINYARD_KAFKA_JOB_PARTITIONS asks for 4")
                    .hasMessageContaining("topic trainyard.jobs.training has 1 partition(s)")
                    .hasMessageContaining("topic trainyard.schedules has 1 replica(s), "
                            + "TRAINYARD_KAFKA_REPLICATION_FACTOR asks for 3");
        }
    }
}
