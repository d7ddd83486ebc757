package io.trainyard.ingress.internal.chorus;

import io.trainyard.ingress.internal.http.ApiException;
import io.trainyard.ingress.internal.http.Dialect;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chorus's error shapes, all under {@code errors}: 404 {@code {"record":"NOT_FOUND"}}, validation
 * as 422 {@code {"fields":{field:{CODE:{message}}}}} (Chorus answers every validation problem
 * with 422), and {@code {"message"}} for the rest.
 */
public final class ChorusDialect implements Dialect {
    /** Chorus (Rails) names the charset of its JSON (seed 002). */
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public boolean serves(String path) {
        return path.startsWith("/api/");
    }

    @Override
    public int status(ApiException error) {
        return switch (error.problem()) {
            case MISSING_PARAMETER, INVALID_PARAMETER, MALFORMED_BODY, REFUSED, DUPLICATE_NAME, UNSUPPORTED_TYPE,
                 UNPROCESSABLE -> 422;
            default -> error.status();
        };
    }

    @Override
    public Object errorBody(ApiException error) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (status(error) == 422) {
            String code = switch (error.problem()) {
                case MISSING_PARAMETER -> "BLANK";
                case DUPLICATE_NAME -> "TAKEN";
                case UNSUPPORTED_TYPE -> "not_runnable";
                case UNPROCESSABLE, REFUSED -> "RUN_FAILED";
                default -> "INVALID";
            };
            String field = error.field() == null ? "base" : error.field();
            errors.put("fields", Map.of(field, Map.of(code, Map.of("message", error.getMessage()))));
        } else if (error.status() == 404) {
            errors.put("record", "NOT_FOUND");
            errors.put("message", error.getMessage());
        } else {
            errors.put("message", error.getMessage());
        }
        return Map.of("errors", errors);
    }
}
