package io.trainyard.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.devtools.KafkaBroker;
import io.trainyard.common.testing.RealKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The local broker really serves share groups (the single-node share-coordinator settings hold). */
@ExtendWith(RealKafka.class)
class ShareGroupIT {

    @Test
    void aShareConsumerReceivesWhatWasPublishedBeforeItJoined(KafkaBroker broker) throws Exception {
        String topic = "share-smoke";
        String group = "share-smoke-group";
        try (Admin admin = RealKafka.admin()) {
            KafkaSetup.create(admin, List.of(new NewTopic(topic, 1, (short) 1)));
            KafkaSetup.configureShareGroup(admin, group, 5, 30_000);
        }
        try (var producer = new KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
        }
        List<String> seen = new ArrayList<>();
        try (var consumer = new KafkaShareConsumer<String, String>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "group.id", group,
                "share.acknowledgement.mode", "explicit"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(record.value());
                    consumer.acknowledge(record, AcknowledgeType.ACCEPT);
                }
                consumer.commitSync();
                return !seen.isEmpty();
            });
        }
        assertThat(seen).containsExactly("hello");
    }
}
