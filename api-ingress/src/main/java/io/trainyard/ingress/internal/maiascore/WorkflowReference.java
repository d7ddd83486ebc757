package io.trainyard.ingress.internal.maiascore;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.ingress.internal.http.ApiException;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * The workflow resource a maiascore training trains, read from {@code meta}:
 * <ul>
 *   <li>a JSON object {@code {"projectId": "...", "workflowResourceId": "...", "testSize": 0.3}}
 *       ({@code projectId} and {@code testSize} optional), or</li>
 *   <li>{@code "<projectId>/<workflowResourceId>"}.</li>
 * </ul>
 * Any other {@code meta} is free text kept as it is, and then {@code uuid} names the workflow
 * resource.
 *
 * @param projectId null when the reference names none (resource ids are unique per tenant)
 * @param named true when {@code meta} itself names the workflow (false: the {@code uuid} fallback)
 */
record WorkflowReference(String projectId, String resourceId, OptionalDouble testSize, boolean named) {
    private static final Pattern PATH = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]{0,127})/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})");

    static WorkflowReference of(String meta, String uuid) {
        return fromMeta(meta == null ? "" : meta.strip())
                .orElseGet(() -> new WorkflowReference(null, uuid, OptionalDouble.empty(), false));
    }

    private static Optional<WorkflowReference> fromMeta(String meta) {
        var path = PATH.matcher(meta);
        if (path.matches()) {
            return Optional.of(new WorkflowReference(path.group(1), path.group(2), OptionalDouble.empty(), true));
        }
        if (!meta.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(meta);
        } catch (IOException e) {
            throw ApiException.invalid("meta", "is neither free text nor a JSON workflow reference: " + e.getMessage());
        }
        if (node == null || !node.isObject() || !node.has("workflowResourceId")) {
            return Optional.empty();
        }
        String resource = id(node, "workflowResourceId");
        String project = node.hasNonNull("projectId") ? id(node, "projectId") : null;
        OptionalDouble testSize = OptionalDouble.empty();
        if (node.hasNonNull("testSize")) {
            JsonNode value = node.get("testSize");
            if (!value.isNumber() || !(value.doubleValue() > 0 && value.doubleValue() < 1)) {
                throw ApiException.invalid("meta", "testSize must be a number between 0 and 1 (exclusive)");
            }
            testSize = OptionalDouble.of(value.doubleValue());
        }
        return Optional.of(new WorkflowReference(project, resource, testSize, true));
    }

    private static String id(JsonNode node, String field) {
        String value = node.get(field).asText("");
        if (!node.get(field).isTextual() || !ResourceFiles.isSafeId(value)) {
            throw ApiException.invalid("meta", field + " is not a resource id: '" + value + "'");
        }
        return value;
    }
}
