package io.trainyard.common.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trainyard.common.json.Json;
import io.trainyard.common.resource.ResourceFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * A workflow resource (MLW resource kind {@code wf}): what to train on, what to predict and which
 * candidates to try. Stored as a JSON document:
 *
 * <pre>{@code
 * {"datasetResourceId": "…", "preprocessingResourceId": "…", "problemType": "classification",
 *  "targetVariable": "target", "algorithms": ["random_forest", "svm"], "scoring": "accuracy",
 *  "testSize": 0.2, "randomSeed": 42, "modelName": "irisModel"}
 * }</pre>
 *
 * Only {@code preprocessingResourceId}, {@code algorithms} (empty or absent: every algorithm of
 * the problem type), {@code scoring} (the problem type's first), {@code testSize} and
 * {@code randomSeed} may be left out. The constructor validates, so an instance is always
 * trainable as far as its own fields go; whether the resources exist is checked at run time.
 *
 * @param preprocessingResourceId a script defining {@code preprocess(df) -> df}; null for none
 * @param algorithms the candidates, never empty once constructed
 */
public record WorkflowSpec(
        String datasetResourceId,
        String preprocessingResourceId,
        ProblemType problemType,
        String targetVariable,
        List<String> algorithms,
        String scoring,
        double testSize,
        long randomSeed,
        String modelName) {

    /**
     * The task record field holding the {@code testSize} an MLW request named; when present it
     * overrides the document's for every run of the task.
     */
    public static final String TASK_TEST_SIZE = "testSize";
    /** The held-out fraction MLW uses when a request names none. */
    public static final double DEFAULT_TEST_SIZE = 0.2;
    public static final long DEFAULT_RANDOM_SEED = 42;
    /** randomSeed is a scikit-learn random_state, an unsigned 32-bit integer. */
    public static final long MAX_RANDOM_SEED = 0xFFFF_FFFFL;
    private static final int MAX_NAME_LENGTH = 256;

    public WorkflowSpec {
        if (!ResourceFiles.isSafeId(datasetResourceId)) {
            throw new InvalidWorkflowException("datasetResourceId",
                    datasetResourceId == null ? "is required" : "is not a resource id: '" + datasetResourceId + "'");
        }
        if (preprocessingResourceId != null && preprocessingResourceId.isEmpty()) {
            preprocessingResourceId = null;
        }
        if (preprocessingResourceId != null && !ResourceFiles.isSafeId(preprocessingResourceId)) {
            throw new InvalidWorkflowException("preprocessingResourceId",
                    "is not a resource id: '" + preprocessingResourceId + "'");
        }
        if (problemType == null) {
            throw new InvalidWorkflowException("problemType", "is required: classification or regression");
        }
        requireName("targetVariable", targetVariable);
        algorithms = checkedAlgorithms(problemType, algorithms);
        scoring = checkedScoring(problemType, scoring);
        if (!(testSize > 0 && testSize < 1)) {
            throw new InvalidWorkflowException("testSize", "must be between 0 and 1 (exclusive), not " + testSize);
        }
        if (randomSeed < 0 || randomSeed > MAX_RANDOM_SEED) {
            throw new InvalidWorkflowException("randomSeed", "must be between 0 and " + MAX_RANDOM_SEED
                    + ", not " + randomSeed);
        }
        requireName("modelName", modelName);
    }

    /** Reads and validates a workflow resource's content. */
    public static WorkflowSpec parse(byte[] json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidWorkflowException("workflow", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidWorkflowException("workflow", "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidWorkflowException("workflow", "must be a JSON object");
        }
        String problem = text(root, "problemType");
        ProblemType type;
        try {
            type = problem == null ? null : ProblemType.parse(problem);
        } catch (IllegalArgumentException e) {
            throw new InvalidWorkflowException("problemType", e.getMessage());
        }
        return new WorkflowSpec(
                text(root, "datasetResourceId"),
                text(root, "preprocessingResourceId"),
                type,
                text(root, "targetVariable"),
                names(root, "algorithms"),
                text(root, "scoring"),
                number(root, "testSize", DEFAULT_TEST_SIZE),
                integer(root, "randomSeed", DEFAULT_RANDOM_SEED),
                text(root, "modelName"));
    }

    public Optional<String> preprocessing() {
        return Optional.ofNullable(preprocessingResourceId);
    }

    /** The same workflow held out at another fraction (an MLW request may name its own testSize). */
    public WorkflowSpec withTestSize(double value) {
        return new WorkflowSpec(datasetResourceId, preprocessingResourceId, problemType, targetVariable,
                algorithms, scoring, value, randomSeed, modelName);
    }

    /** The document form, as stored in the resource; {@link #parse} reads it back unchanged. */
    public byte[] toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("datasetResourceId", datasetResourceId);
        if (preprocessingResourceId != null) {
            node.put("preprocessingResourceId", preprocessingResourceId);
        }
        node.put("problemType", problemType.wireName());
        node.put("targetVariable", targetVariable);
        algorithms.forEach(node.putArray("algorithms")::add);
        node.put("scoring", scoring);
        node.put("testSize", testSize);
        node.put("randomSeed", randomSeed);
        node.put("modelName", modelName);
        return Json.write(node);
    }

    private static List<String> checkedAlgorithms(ProblemType type, List<String> requested) {
        List<String> known = TrainingCatalog.algorithms(type);
        if (requested == null || requested.isEmpty()) {
            return known;
        }
        var seen = new HashSet<String>();
        for (String name : requested) {
            if (!known.contains(name)) {
                throw new InvalidWorkflowException("algorithms", "unknown algorithm '" + name + "' for "
                        + type.wireName() + "; known: " + String.join(", ", known));
            }
            if (!seen.add(name)) {
                throw new InvalidWorkflowException("algorithms", "'" + name + "' is listed twice");
            }
        }
        return List.copyOf(requested);
    }

    private static String checkedScoring(ProblemType type, String scoring) {
        if (scoring == null || scoring.isEmpty()) {
            return TrainingCatalog.defaultScoring(type);
        }
        if (!TrainingCatalog.scorings(type).contains(scoring)) {
            throw new InvalidWorkflowException("scoring", "unknown scoring '" + scoring + "' for "
                    + type.wireName() + "; known: " + String.join(", ", TrainingCatalog.scorings(type)));
        }
        return scoring;
    }

    private static void requireName(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidWorkflowException(field, "is required");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new InvalidWorkflowException(field, "is longer than " + MAX_NAME_LENGTH + " characters");
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidWorkflowException(field, "must be a string");
        }
        return node.asText();
    }

    private static List<String> names(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidWorkflowException(field, "must be a list of names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new InvalidWorkflowException(field, "must be a list of names");
            }
            names.add(item.asText());
        }
        return names;
    }

    private static double number(JsonNode root, String field, double absent) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isNumber()) {
            throw new InvalidWorkflowException(field, "must be a number");
        }
        return node.asDouble();
    }

    private static long integer(JsonNode root, String field, long absent) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidWorkflowException(field, "must be an integer");
        }
        return node.asLong();
    }
}
