package io.trainyard.worker.internal.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelResourcesTest {
    @Test
    void theFileNameIsTheModelsNameMadeSafeWithItsVersion() {
        assertThat(ModelResources.fileName("irisModel", "v2")).isEqualTo("irisModel-v2.joblib");
        assertThat(ModelResources.fileName(" my model/../x ", "v1")).isEqualTo("my_model_.._x-v1.joblib");
        assertThat(ModelResources.fileName("..", "v3")).isEqualTo("model-v3.joblib");
        assertThat(ModelResources.fileName("m".repeat(300), "v1")).hasSize(100 + "-v1.joblib".length());
    }

    @Test
    void theBinaryPathIsTheResourcesMlwPath() {
        assertThat(ModelResources.binaryPath("p1", "r1")).isEqualTo("/service/mlw/projects/p1/resources/r1");
    }
}
