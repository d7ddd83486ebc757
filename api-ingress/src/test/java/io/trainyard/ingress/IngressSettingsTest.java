package io.trainyard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.config.ConfigTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressSettingsTest {
    @Test
    void theReadmeShowsThisTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));

        assertThat(readme).contains(ConfigTable.markdown(IngressSettings.ALL));
    }

    @Test
    void theUsersFileIsRequiredAndBadValuesAreNamed() {
        assertThatThrownBy(() -> ConfigTable.load(IngressSettings.ALL, Map.of()))
                .hasMessageContaining("TRAINYARD_USERS_FILE is required");
        assertThatThrownBy(() -> ConfigTable.load(IngressSettings.ALL, Map.of(IngressSettings.USERS_FILE.env(), "users.json",
                IngressSettings.HTTP_PORT.env(), "70000", IngressSettings.SUBMIT_TIMEOUT_MS.env(), "soon")))
                .hasMessageContaining("TRAINYARD_HTTP_PORT: 70000 is outside 0..65535")
                .hasMessageContaining("TRAINYARD_SUBMIT_TIMEOUT_MS: not a number of milliseconds");
    }
}
