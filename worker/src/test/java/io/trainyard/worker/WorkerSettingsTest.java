package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.config.ConfigTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {
    @Test
    void defaultsAreValidAndMatchTheDocumentedOnes() {
        ConfigTable config = ConfigTable.load(WorkerSettings.ALL, Map.of());

        assertThat(config.get(WorkerSettings.SLOTS)).isEqualTo(4);
        assertThat(config.get(WorkerSettings.BATCH)).isEqualTo(1);
        assertThat(config.get(WorkerSettings.TOPICS)).containsExactly("trainyard.jobs.script", "trainyard.jobs.training");
        assertThat(config.get(WorkerSettings.SANDBOX)).isEqualTo(WorkerSettings.SandboxMode.BWRAP);
        assertThat(config.get(WorkerSettings.DEFAULT_TIMEOUT_SECONDS)).isEqualTo(300);
        assertThat(config.get(WorkerSettings.MAX_OUTPUT_BYTES)).isEqualTo(1 << 20);
        assertThat(config.get(WorkerSettings.WORKER_ID)).contains("-");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> ConfigTable.load(WorkerSettings.ALL, Map.of(WorkerSettings.TOPICS.env(), " , ",
                WorkerSettings.LEASE_MS.env(), "5000", WorkerSettings.SANDBOX.env(), "docker")))
                .hasMessageContaining("TRAINYARD_WORKER_TOPICS: names no topic")
                .hasMessageContaining("TRAINYARD_LEASE_MS: 5000 is outside 15000..60000")
                .hasMessageContaining("TRAINYARD_SANDBOX: expected bwrap or none");
    }

    @Test
    void theReadmeShowsThisTable() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);

        assertThat(text).contains(ConfigTable.markdown(WorkerSettings.ALL).lines().skip(2).toList().toArray(String[]::new));
    }

    @Test
    void lanesTakeBatchesThatAddUpToTheSlots() {
        assertThat(WorkerSettings.laneCapacities(4, 1)).containsExactly(1, 1, 1, 1);
        assertThat(WorkerSettings.laneCapacities(1000, 500)).containsExactly(500, 500);
        assertThat(WorkerSettings.laneCapacities(10, 4)).containsExactly(4, 4, 2);
        assertThat(WorkerSettings.laneCapacities(3, 500)).containsExactly(3);
        assertThatThrownBy(() -> WorkerSettings.laneCapacities(1000, 1))
                .hasMessageContaining("TRAINYARD_WORKER_SLOTS=1000 with TRAINYARD_WORKER_BATCH=1 makes 1000 lanes");
    }

}
