package io.trainyard.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {
    @TempDir
    Path dir;

    @Test
    void theFileAndThePrefixedVariablesReachEveryClientAndTheVariablesWin() throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nssl.truststore.type=PEM\n");
        ConfigTable config = ConfigTable.load(CommonSettings.KAFKA, Map.of(
                CommonSettings.KAFKA_BOOTSTRAP.env(), "b-1.example:9096,b-2.example:9096",
                CommonSettings.KAFKA_CLIENT_PROPERTIES.env(), file.toString(),
                "TRAINYARD_KAFKA_PROP_SASL_MECHANISM", "SCRAM-SHA-512",
                "TRAINYARD_KAFKA_PROP_SASL_JAAS_CONFIG", "ScramLoginModule required password=\"s3cret\";"));

        KafkaConnection kafka = KafkaConnection.of(config);
        Map<String, Object> client = kafka.config(Map.of("acks", "all", "security.protocol", "SSL"));

        assertThat(client).containsEntry("bootstrap.servers", "b-1.example:9096,b-2.example:9096")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "ScramLoginModule required password=\"s3cret\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("acks", "all")
                // A client's own setting wins: Trainyard's guarantees rest on them.
                .containsEntry("security.protocol", "SSL");
        assertThat(kafka.toString()).doesNotContain("s3cret").contains("sasl.mechanism=SCRAM-SHA-512");
    }

    @Test
    void anUnreadableFileIsNamed() {
        ConfigTable config = ConfigTable.load(CommonSettings.KAFKA,
                Map.of(CommonSettings.KAFKA_CLIENT_PROPERTIES.env(), dir.resolve("missing.properties").toString()));

        assertThatThrownBy(() -> KafkaConnection.of(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TRAINYARD_KAFKA_CLIENT_PROPERTIES: cannot read");
    }

    @Test
    void theLayoutComesFromTheSettingsAndMinInsyncReplicasCannotExceedTheReplicas() {
        ConfigTable config = ConfigTable.load(CommonSettings.KAFKA, Map.of(
                CommonSettings.KAFKA_JOB_PARTITIONS.env(), "6", CommonSettings.KAFKA_REPLICATION_FACTOR.env(), "3",
                CommonSettings.KAFKA_MIN_INSYNC_REPLICAS.env(), "2"));
        assertThat(TopicLayout.of(config)).isEqualTo(new TopicLayout(6, 4, (short) 3, 2));
        assertThat(TopicLayout.of(ConfigTable.load(CommonSettings.KAFKA, Map.of()))).isEqualTo(TopicLayout.local());

        ConfigTable bad = ConfigTable.load(CommonSettings.KAFKA, Map.of(CommonSettings.KAFKA_MIN_INSYNC_REPLICAS.env(), "2"));
        assertThatThrownBy(() -> TopicLayout.of(bad))
                .hasMessage("TRAINYARD_KAFKA_MIN_INSYNC_REPLICAS (2) exceeds TRAINYARD_KAFKA_REPLICATION_FACTOR (1)");
    }
}
