package io.trainyard.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The documented error shapes of the three dialects, as a client would check them: MLW's
 * {@code {message, errorCode, exception}} (and the platform's {@code {error, message, info}} for
 * 401/403), Chorus's {@code {"errors": {...}}}, maiascore's {@code {code, message, data?}}. The
 * dialect follows the path (unknown paths answer in MLW's shape).
 */
final class ErrorShapes {
    enum Dialect { MLW, CHORUS, MAIASCORE }

    private ErrorShapes() {}

    static Dialect of(String path) {
        if (path.startsWith("/api/")) {
            return Dialect.CHORUS;
        }
        if (path.equals("/trainings") || path.startsWith("/trainings/") || path.equals("/auth/local")) {
            return Dialect.MAIASCORE;
        }
        return Dialect.MLW;
    }

    /**
     * The dialects the server may have picked for {@code target}: by the path as sent, and as a
     * server reads it (percent-decoded, dot segments removed).
     */
    static Set<Dialect> candidates(String target) {
        Set<Dialect> dialects = new LinkedHashSet<>();
        String path = target;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        dialects.add(of(path));
        try {
            dialects.add(of(URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            // Not decodable: the server answers by the path as sent, or in its fallback shape.
        }
        try {
            String normalized = URI.create(path).normalize().getPath();
            if (normalized != null) {
                dialects.add(of(normalized));
            }
        } catch (IllegalArgumentException e) {
            // Not a URI: the server cannot route it either.
        }
        dialects.add(Dialect.MLW); // the fallback, for what the server could not read at all
        return dialects;
    }

    /** Null when {@code body} is a {@code status} error in one of the {@code dialects}' shapes, else what is wrong. */
    static String problem(Set<Dialect> dialects, int status, String body) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return "not JSON: " + body;
        }
        if (node == null || !node.isObject()) {
            return "not a JSON object: " + body;
        }
        StringBuilder why = new StringBuilder();
        for (Dialect dialect : dialects) {
            String problem = switch (dialect) {
                case MLW -> mlw(node, status);
                case CHORUS -> chorus(node);
                case MAIASCORE -> maiascore(node, status);
            };
            if (problem == null) {
                return null;
            }
            why.append(dialect).append(": ").append(problem).append("; ");
        }
        return why + "body " + body;
    }

    private static String mlw(JsonNode node, int status) {
        if ((status == 401 || status == 403) && node.has("error")) {
            return text(node, "error") && text(node, "message") && text(node, "info") ? null
                    : "platform error without error, message and info";
        }
        if (!text(node, "message") || !text(node, "exception")) {
            return "no message and exception";
        }
        return node.path("errorCode").isInt() && node.get("errorCode").asInt() == status ? null
                : "errorCode is not " + status;
    }

    private static String chorus(JsonNode node) {
        JsonNode errors = node.get("errors");
        if (errors == null || !errors.isObject()) {
            return "no errors object";
        }
        if (errors.path("fields").isObject() && errors.get("fields").size() > 0) {
            return null;
        }
        return text(errors, "message") ? null : "errors has neither fields nor message";
    }

    private static String maiascore(JsonNode node, int status) {
        if (!node.path("code").isInt() || node.get("code").asInt() != status) {
            return "code is not " + status;
        }
        if (!text(node, "message") || !node.get("message").asText().startsWith("Error - ")) {
            return "message is not \"Error - ...\"";
        }
        JsonNode data = node.get("data");
        return data == null || data.isObject() && text(data, "detail") ? null : "data without detail";
    }

    private static boolean text(JsonNode node, String field) {
        return node.path(field).isTextual() && !node.get(field).asText().isBlank();
    }
}
