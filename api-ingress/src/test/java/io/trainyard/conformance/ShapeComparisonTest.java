package io.trainyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapeComparisonTest {
    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void theSameShapeWithOtherValuesMatchesAndAddedFieldsAreListed() throws Exception {
        var result = ShapeComparison.compare(json("{\"id\":\"a\",\"n\":0,\"runs\":[{\"s\":\"x\"}],\"p\":[]}"),
                json("{\"id\":\"b\",\"n\":0.5,\"runs\":[{\"s\":\"y\",\"extra\":1},{\"s\":\"z\"}],\"p\":[1],\"more\":true}"),
                Set.of(), Map.of());
        assertThat(result.differences()).isEmpty();
        assertThat(result.extras()).containsExactlyInAnyOrder("/runs/[]/extra", "/more");
    }

    @Test
    void aMissingFieldAnotherTypeOrNestingIsADifference() throws Exception {
        var result = ShapeComparison.compare(json("{\"id\":1,\"o\":{\"a\":\"x\"},\"gone\":\"x\",\"any\":null}"),
                json("{\"id\":\"1\",\"o\":[\"x\"],\"any\":{\"k\":1}}"), Set.of(), Map.of());
        assertThat(result.differences()).containsExactlyInAnyOrder(
                "/id: the seed has a number, Trainyard a string (\"1\")",
                "/o: the seed has an object, Trainyard an array ([\"x\"])",
                "/gone: missing");
    }

    @Test
    void contractValuesAreComparedAndPerRunValuesMatchTheirPattern() throws Exception {
        JsonNode seed = json("{\"status\":\"EXECUTED\",\"n\":0,\"id\":\"160_Tasks\",\"bare\":5}");
        assertThat(ShapeComparison.compare(seed, json("{\"status\":\"EXECUTED\",\"n\":0.0,\"id\":\"0193-ab\",\"bare\":1}"),
                Set.of("/status", "/n"), Map.of("/id", "[0-9a-f-]+")).differences()).isEmpty();
        assertThat(ShapeComparison.compare(seed, json("{\"status\":\"RUNNING\",\"n\":1,\"id\":\"x y\",\"bare\":1}"),
                Set.of("/status", "/n"), Map.of("/id", "[0-9a-f-]+")).differences()).hasSize(3);
        assertThat(ShapeComparison.compare(json("5"), json("3"), Set.of(), Map.of()).matches()).isTrue();
        assertThat(ShapeComparison.compare(json("5"), json("{\"count\":3}"), Set.of(), Map.of()).matches()).isFalse();
    }
}
