package io.trainyard.worker.internal.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads one line of trainer output into an event; anything else is not an event. */
final class TrainerEvents {
    private TrainerEvents() {}

    static Optional<TrainerEvent> parse(String line) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(trimmed);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (node.path("event").asText()) {
            case "progress" -> new TrainerEvent.Progress(node.path("stage").asText("?"),
                    node.path("k").asInt(0), node.path("n").asInt(0), textOrNull(node.get("algorithm")));
            case "error" -> new TrainerEvent.Failure(node.path("stage").asText("?"),
                    node.path("message").asText(""));
            case "result" -> result(node);
            default -> null;
        });
    }

    private static TrainerEvent.Result result(JsonNode node) {
        List<TrainerEvent.ModelScore> scores = new ArrayList<>();
        for (JsonNode line : node.path("listOfModelAccuracy")) {
            scores.add(new TrainerEvent.ModelScore(line.path("name").asText(), number(line.get("score")),
                    line.path("fitTimeSeconds").asDouble(0), textOrNull(line.get("error"))));
        }
        JsonNode best = node.path("best");
        List<Long> dataSize = new ArrayList<>();
        node.path("dataSize").forEach(v -> dataSize.add(v.asLong()));
        return new TrainerEvent.Result(scores, textOrNull(best.get("name")),
                number(best.get("accuracy")), number(best.get("precision")),
                number(best.get("mae")), number(best.get("rmse")),
                textOrNull(node.get("scoring")), dataSize, textOrNull(node.get("binaryPath")),
                textOrNull(node.get("version")), textOrNull(node.get("modelName")));
    }

    private static Double number(JsonNode node) {
        return node != null && node.isNumber() ? node.asDouble() : null;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** When the trainer began {@code stage} (epoch milliseconds, from its "at"), if it did. */
    static java.util.OptionalLong stageAt(String jsonLines, String stage) {
        for (String line : jsonLines.split("\n")) {
            if (!line.contains("\"" + stage + "\"")) {
                continue;
            }
            try {
                JsonNode node = Json.MAPPER.readTree(line.trim());
                if (node != null && "progress".equals(node.path("event").asText())
                        && stage.equals(node.path("stage").asText()) && node.path("at").isNumber()) {
                    return java.util.OptionalLong.of(node.path("at").asLong());
                }
            } catch (IOException e) {
                // Not an event line.
            }
        }
        return java.util.OptionalLong.empty();
    }
}
