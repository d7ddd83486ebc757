package io.trainyard.ingress.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flat body of named text fields, sent either as a JSON object or URL-encoded, whatever the
 * content type claims: the clients of Chorus and maiascore send both under either type.
 */
public final class FlatBody {
    private FlatBody() {}

    public static Map<String, String> parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.startsWith("{") ? json(body) : form(text);
    }

    /** A JSON object's fields; nested values are kept as JSON text. */
    public static Map<String, String> json(byte[] body) {
        JsonNode node;
        try {
            node = Bodies.STRICT.readTree(body);
        } catch (IOException e) {
            throw ApiException.malformed("not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.malformed("a JSON object is required");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            JsonNode value = e.getValue();
            if (!value.isNull()) {
                fields.put(e.getKey(), value.isContainerNode() ? value.toString() : value.asText());
            }
        });
        return fields;
    }

    /** {@code a=1&b=2}; the first value of a repeated name wins. */
    public static Map<String, String> form(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.malformed("the form body is not URL-encoded");
        }
        return fields;
    }
}
