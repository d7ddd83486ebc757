package io.trainyard.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.config.ConfigTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerSettingsTest {

    @Test
    void theReadmeTablesAreTheSettingsTable() throws Exception {
        String table = ConfigTable.markdown(SchedulerSettings.ALL);
        assertThat(Files.readString(Path.of("README.md"))).contains(table);
        assertThat(Files.readString(Path.of("..", "README.md"))).as("the project README").contains(table);
    }

    @Test
    void defaultsLoadAndABadValueNamesItsKey() {
        ConfigTable config = ConfigTable.load(SchedulerSettings.ALL, Map.of());
        assertThat(config.get(SchedulerSettings.CATCH_UP_WINDOW_MS)).isEqualTo(300_000L);
        assertThat(config.get(SchedulerSettings.CANARY_INTERVAL_MS)).as("the canary is off by default").isZero();
        assertThatThrownBy(() -> ConfigTable.load(SchedulerSettings.ALL,
                Map.of(SchedulerSettings.SESSION_TIMEOUT_MS.env(), "100")))
                .hasMessageContaining(SchedulerSettings.SESSION_TIMEOUT_MS.env());
    }
}
