package io.trainyard.common.training;

import io.trainyard.common.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WORKFLOW task's {@code properties}, in MLW's shape: a list of {@code {key, label, value}}
 * with targetVar, problem_type, dataSize ({@code ["rows", "columns"]}, as strings) and model_name.
 */
public final class TaskProperties {
    private TaskProperties() {}

    /** The properties as a JSON array; {@code dataSize} is empty until a run has read the data. */
    public static String json(WorkflowSpec spec, List<Long> dataSize) {
        return Json.writeString(List.of(
                property("targetVar", "Target variable", spec.targetVariable()),
                property("problem_type", "Problem Type", spec.problemType().label()),
                property("dataSize", "Data Size", dataSize.stream().map(String::valueOf).toList()),
                property("model_name", "Model Name", spec.modelName())));
    }

    private static Map<String, Object> property(String key, String label, Object value) {
        Map<String, Object> property = new LinkedHashMap<>();
        property.put("key", key);
        property.put("label", label);
        property.put("value", value);
        return property;
    }
}
