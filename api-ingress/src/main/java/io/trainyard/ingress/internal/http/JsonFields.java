package io.trainyard.ingress.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Typed reads of request fields. A wrong type is a 400 naming the field, never a 500; a field
 * that is absent or JSON null counts as missing.
 */
public final class JsonFields {
    private JsonFields() {}

    public static Optional<String> optionalString(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiException.invalid(field, "must be a string");
        }
        return Optional.of(value.textValue());
    }

    /** A string that must be present and not blank. */
    public static String requiredString(JsonNode body, String field) {
        String value = optionalString(body, field).orElseThrow(() -> ApiException.missing(field));
        if (value.isBlank()) {
            throw ApiException.missing(field);
        }
        return value;
    }

    public static Optional<Double> optionalNumber(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            return Optional.of(value.doubleValue());
        }
        if (value.isTextual()) {
            try {
                return Optional.of(Double.parseDouble(value.textValue().trim()));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(field, "must be a number");
            }
        }
        throw ApiException.invalid(field, "must be a number");
    }

    public static Optional<Long> optionalWholeNumber(JsonNode body, String field) {
        return optionalNumber(body, field).map(v -> {
            if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw ApiException.invalid(field, "must be a whole number");
            }
            return v.longValue();
        });
    }
}
